"""Activations a model applies as functions in its `forward` (`F.relu(self.fc1(x))`), not as
modules of their own.

A model written as a class usually calls its activations from `torch.nn.functional`: no module
shows them, so its Linear and Conv layers looked linear to traindx, their outputs were judged
before the ReLU, and a network whose ReLU units had all died showed no dead unit. While the
module-call taps are armed (capture.py: until a run is described), each leaf module's output is
remembered for the length of the top-level call, and the functions of `torch.nn.functional`
below note when they are applied to one of those outputs: that layer's activation is then the
function (its arguments kept, `inplace` off), which the layer's description names and the
activation taps apply to the output before judging it (activation_taps.py), as a Keras
`Dense(activation=...)` layer's output is judged. Only an output passed straight to the function
counts (`F.relu(self.fc1(x) + skip)` is no layer's). Unarmed, a call costs the wrappers one flag
read.
"""

from __future__ import annotations

import functools
import inspect
import types
import weakref
from typing import Any, Callable, Optional

import torch
from torch.nn import functional as F

from .compiled import compiling

# torch.nn.functional's activations, under the names the trace gives them (model_facts.ACTIVATIONS).
NAMES = (
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "silu",
    "mish",
    "sigmoid",
    "tanh",
    "hardtanh",
    "hardswish",
    "hardsigmoid",
)

# The function, applied with the arguments the model gave it (an `inplace` turned off).
Applied = tuple[str, Callable[..., torch.Tensor], dict[str, Any]]


class Functional:
    """The armed phase's layer outputs, and the activations seen applied to them."""

    def __init__(self) -> None:
        self.armed = False
        self.outputs: dict[int, tuple[Any, torch.Tensor]] = {}  # id(output) -> (module, output)
        self.applied: weakref.WeakKeyDictionary[Any, Applied] = weakref.WeakKeyDictionary()

    def see_output(self, module: Any, output: Any) -> None:
        if isinstance(output, torch.Tensor):  # (held until the call ends: no id is reused meanwhile)
            self.outputs.setdefault(id(output), (module, output))

    def call_ended(self) -> None:
        """The top-level call returned: its outputs are no longer looked up (nor kept)."""
        self.outputs.clear()

    def see(
        self, name: str, original: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """`original`, the activation `name`, was called with `args` and `kwargs`: if on a
        layer's output (and the layer has none yet), it is that layer's activation."""
        given = args[0] if args else kwargs.get("input")
        found = self.outputs.get(id(given))
        if found is None or found[1] is not given:
            return
        module = found[0]
        if module in self.applied:
            return
        bound = inspect.signature(original).bind(
            given, *args[1:], **{k: v for k, v in kwargs.items() if k != "input"}
        )
        arguments = dict(list(bound.arguments.items())[1:])
        if "inplace" in arguments:
            arguments["inplace"] = False  # the taps' copy of the function must never write the output
        self.applied[module] = (name, original, arguments)

    def of(self, module: Any) -> Optional[Applied]:
        try:
            return self.applied.get(module)
        except TypeError:  # a module that refuses weak references
            return None


state = Functional()


def _wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """`original` with its application to a layer output seen. Built on the original's globals,
    as validation._wrap builds the loss wrappers, so that TorchScript compiles the original."""
    seen, tracing = state, compiling

    def activation(*args: Any, **kwargs: Any) -> Any:
        if seen.armed and not tracing():
            # (try/except, not contextlib.suppress: the wrapper runs on torch.nn.functional's globals)
            try:  # noqa: SIM105
                seen.see(name, original, args, kwargs)
            except Exception:  # an odd call costs the layer its activation name, never the forward
                pass
        return original(*args, **kwargs)

    wrapper = types.FunctionType(
        activation.__code__,
        original.__globals__,
        original.__name__,
        activation.__defaults__,
        activation.__closure__,
    )
    functools.update_wrapper(wrapper, original)
    return wrapper


def install() -> Callable[[], None]:
    """Wraps the activations of `torch.nn.functional`; returns what puts them back. Only those
    written in Python: a builtin (`F.gelu`, `F.softplus`) is compiled by TorchScript from its
    entry in a table of builtins, which a wrapper would not be."""
    originals = {name: getattr(F, name) for name in NAMES if inspect.isfunction(getattr(F, name, None))}
    for name, original in originals.items():
        setattr(F, name, _wrap(name, original))

    def restore() -> None:
        for name, original in originals.items():
            setattr(F, name, original)
        state.armed = False
        state.call_ended()

    return restore
