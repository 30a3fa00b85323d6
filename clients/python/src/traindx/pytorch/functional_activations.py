"""Activations a model's forward applies as functions (`F.relu(self.fc1(x))`, `torch.sigmoid`,
`x.relu()`), not as modules of their own, read from the autograd graph of the first step's loss.

A model written as a class usually calls its activations as functions: no module shows them, so
its Linear and Conv layers looked linear to traindx, their outputs were judged before the ReLU,
and a network whose ReLU units had all died showed no dead unit. The graph shows them whatever
form the call took: while capture's module-call taps are armed (capture.py: until the run is
described), each module output's autograd node is noted with its module, and at the first step
the loss's graph is walked once. An activation node (ReluBackward0, SigmoidBackward0, ...)
whose input is a layer's output node, and whose own output is no module's (an nn.ReLU module is
a layer of its own), makes that activation the layer's, with the arguments the node saved (a
leaky ReLU's slope): the layer's description names it, and the activation taps apply it to the
output before judging it (activation_taps.py), as a Keras `Dense(activation=...)` is judged. An
activation of anything else (`F.relu(self.fc(x) + skip)`) is no layer's. Nothing is wrapped.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Callable

import torch
from torch.nn import functional as F

# The function, applied with the arguments the model gave it.
Applied = tuple[str, Callable[..., torch.Tensor], dict[str, Any]]

# Nodes walked at most: a large transformer's loss graph has a few thousand.
_LIMIT = 200_000


def _saved(node: Any, name: str, default: Any) -> Any:
    try:
        value = getattr(node, "_saved_" + name)
    except (AttributeError, RuntimeError):
        return default
    return value if isinstance(value, (int, float, str)) else default


def _leaky_relu(node: Any) -> Applied:
    return "leaky_relu", F.leaky_relu, {"negative_slope": float(_saved(node, "negative_slope", 0.01))}


def _elu(node: Any) -> Applied:
    alpha, scale = float(_saved(node, "alpha", 1.0)), float(_saved(node, "scale", 1.0))
    if math.isclose(alpha, 1.6732632423543772) and math.isclose(scale, 1.0507009873554805):
        return "selu", F.selu, {}
    return "elu", F.elu, {"alpha": alpha}


def _hardtanh(node: Any) -> Applied:
    low, high = float(_saved(node, "min_val", -1.0)), float(_saved(node, "max_val", 1.0))
    if low == 0 and high == 6:
        return "relu6", F.relu6, {}
    return "hardtanh", F.hardtanh, {"min_val": low, "max_val": high}


# Autograd node type -> the activation it computed (its trace name, the function, its arguments).
_NODES: dict[str, Callable[[Any], Applied]] = {
    "ReluBackward0": lambda n: ("relu", F.relu, {}),
    "ReluBackward1": lambda n: ("relu", F.relu, {}),
    "SigmoidBackward0": lambda n: ("sigmoid", torch.sigmoid, {}),
    "TanhBackward0": lambda n: ("tanh", torch.tanh, {}),
    "LeakyReluBackward0": _leaky_relu,
    "LeakyReluBackward1": _leaky_relu,  # (in place)
    "EluBackward0": _elu,
    "EluBackward1": _elu,
    "CeluBackward0": lambda n: ("celu", F.celu, {"alpha": float(_saved(n, "alpha", 1.0))}),
    "GeluBackward0": lambda n: ("gelu", F.gelu, {"approximate": str(_saved(n, "approximate", "none"))}),
    "SiluBackward0": lambda n: ("silu", F.silu, {}),
    "MishBackward0": lambda n: ("mish", F.mish, {}),
    "HardtanhBackward0": _hardtanh,
    "HardswishBackward0": lambda n: ("hardswish", F.hardswish, {}),
    "HardsigmoidBackward0": lambda n: ("hardsigmoid", F.hardsigmoid, {}),
    "SoftplusBackward0": lambda n: (
        "softplus",
        F.softplus,
        {"beta": float(_saved(n, "beta", 1.0)), "threshold": float(_saved(n, "threshold", 20.0))},
    ),
}


class Functional:
    """The autograd nodes of module outputs seen while armed, and what the loss graph shows."""

    def __init__(self) -> None:
        self.nodes: dict[Any, Any] = {}  # a module output's grad_fn -> the module

    def see_output(self, module: Any, output: Any) -> None:
        """A module returned `output` (innermost first: a container returning its last child's
        output leaves the node to the child)."""
        node = output.grad_fn if isinstance(output, torch.Tensor) else None
        if node is not None:
            self.nodes.setdefault(node, module)

    def clear(self) -> None:
        self.nodes.clear()

    def applied(self, root: Any) -> dict[int, tuple[Any, Applied]]:
        """id(module) -> (module, its activation) for the activations in the graph below `root`
        (the loss's node) applied straight to a module's output by no module of their own."""
        found: dict[int, tuple[Any, Applied]] = {}
        if root is None or not self.nodes:
            return found
        seen, todo = {root}, deque([root])
        while todo and len(seen) < _LIMIT:
            node = todo.popleft()
            describe = _NODES.get(type(node).__name__)
            inputs = node.next_functions
            if describe is not None and node not in self.nodes and inputs:
                module = self.nodes.get(inputs[0][0])
                if module is not None and id(module) not in found:
                    found[id(module)] = (module, describe(node))
            for child, _ in inputs:
                if child is not None and child not in seen:
                    seen.add(child)
                    todo.append(child)
        return found


state = Functional()
