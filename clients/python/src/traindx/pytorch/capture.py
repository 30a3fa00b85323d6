"""Process-wide taps on PyTorch: the loss `backward` was called on, the last batch a DataLoader
gave, and DataLoaders iterated to their end. Installed once; each costs one Python call."""

from __future__ import annotations

import contextlib
import threading
import weakref
from typing import Any, Callable, Optional

import torch
from torch.utils.data import dataloader as _dataloader

from . import functional_activations, validation
from .compiled import compiling

# Called with the global optimizer step count when the loader started its pass.
EpochListener = Callable[[int], None]


class Capture:
    """What the training script did last, for the watchers to read at the optimizer step."""

    def __init__(self) -> None:
        self.last_loss: Optional[torch.Tensor] = None
        self.last_grad_fn: Any = None  # the loss's autograd node, for naming the loss function
        self.last_batch: Any = None
        self.last_loader: Any = None
        self.last_iterator: Any = None  # a weak reference to the loader pass that gave last_batch
        self.optimizer_steps = 0
        self.epoch_listeners: list[EpochListener] = []
        self.loader_listeners: list[Callable[[Any], None]] = []  # a DataLoader began a pass
        self.installed = False
        self.lock = threading.Lock()
        self.restore: list[Callable[[], None]] = []
        # Batches no DataLoader gave (sliced from tensors, yielded by a generator): the first
        # tensor each top-level module call received, and the target of the first loss module's
        # call, recorded while the module-call taps are armed (arm_inputs). Weak keys: a module
        # that is gone takes its batch with it.
        self.first_inputs: weakref.WeakKeyDictionary[Any, torch.Tensor] = weakref.WeakKeyDictionary()
        self.first_target: Optional[torch.Tensor] = None
        self.depth = 0
        self.input_hooks: list[Any] = []

    def take_loss(self) -> Optional[torch.Tensor]:
        loss, self.last_loss = self.last_loss, None
        return loss

    def first_input_of(self, model: Any) -> Optional[torch.Tensor]:
        """The first batch `model` was called with while armed, handed over once (not kept)."""
        return self.first_inputs.pop(model, None)

    def arm_inputs(self) -> None:
        """Records what top-level module calls receive until `disarm_inputs`: a watcher made at
        the first optimizer step (`traindx run`) has missed the forwards before it, and without
        a DataLoader those are the only place the run's data shows. Global module hooks put
        every module call on torch's slower path, so they are armed only until a run has been
        described (and again when an optimizer is made: `install`)."""
        if self.input_hooks:
            return
        self.depth = 0
        self.first_target = None  # a target seen before belongs to a run already described
        validation.observer.want_target, validation.observer.first_target = True, None
        functional_activations.state.clear()  # (nodes seen before belong to a run already described)
        hooks = torch.nn.modules.module
        try:  # always_call: the depth comes back down when a forward raises (torch >= 2.0)
            end = hooks.register_module_forward_hook(self._end_call, always_call=True)
        except TypeError:
            end = hooks.register_module_forward_hook(self._end_call)
        self.input_hooks = [hooks.register_module_forward_pre_hook(self._see_call), end]

    def disarm_inputs(self) -> None:
        validation.observer.want_target = False
        for handle in self.input_hooks:
            handle.remove()
        self.input_hooks = []

    def _see_call(self, module: Any, args: Any) -> None:
        # Traced by TorchDynamo (torch.compile): nothing here may enter the compiled graph, which
        # stays the one the model gets without traindx (the same kernels, the same numbers).
        if compiling():
            return
        if self.depth == 0 and args and isinstance(args[0], torch.Tensor):
            # Kept under the module a compiled wrapper runs (the model the optimizer trains).
            owner = getattr(module, "_orig_mod", module)
            with contextlib.suppress(TypeError):  # a module that refuses weak references
                self.first_inputs.setdefault(owner, args[0].detach())
            if (
                self.first_target is None
                and isinstance(module, torch.nn.modules.loss._Loss)
                and len(args) >= 2
                and isinstance(args[1], torch.Tensor)
            ):
                self.first_target = args[1].detach()
        self.depth += 1

    def _end_call(self, module: Any, args: Any, output: Any) -> None:
        if not compiling():
            self.depth = max(0, self.depth - 1)
            if self.depth > 0:  # a layer's output, whose node an activation function may take
                functional_activations.state.see_output(module, output)


capture = Capture()


def _weak(obj: Any) -> Any:
    try:
        return weakref.ref(obj)
    except TypeError:
        return None


def install() -> None:
    """Wraps `Tensor.backward` and the DataLoader iterator's `__next__` (idempotent)."""
    with capture.lock:
        if capture.installed:
            return
        capture.installed = True
    original_backward = torch.Tensor.backward

    def backward(self: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        validation.observer.backwards += 1  # a loss this trains on is no evaluation (validation.py)
        if self.dim() == 0:
            capture.last_loss = self.detach()  # a view: no copy, no kernel, no sync
            capture.last_grad_fn = self.grad_fn
        return original_backward(self, *args, **kwargs)

    backward.__wrapped__ = original_backward  # type: ignore[attr-defined]
    torch.Tensor.backward = backward  # type: ignore[method-assign]
    capture.restore.append(lambda: setattr(torch.Tensor, "backward", original_backward))

    iterator = _dataloader._BaseDataLoaderIter
    original_next = iterator.__next__

    def next_batch(self: Any) -> Any:
        if not hasattr(self, "_traindx_steps"):
            self._traindx_steps = capture.optimizer_steps
        try:
            batch = original_next(self)
        except StopIteration:
            # An epoch: a loader iterated to its end while the optimizer stepped (a validation
            # loader, iterated between steps, is not one).
            if capture.optimizer_steps > self._traindx_steps:
                since, self._traindx_steps = self._traindx_steps, capture.optimizer_steps
                for listener in list(capture.epoch_listeners):
                    listener(since)
            raise
        capture.last_batch = batch
        capture.last_loader = getattr(self, "_traindx_loader", None)
        capture.last_iterator = _weak(self)
        return batch

    iterator.__next__ = next_batch  # type: ignore[method-assign]
    capture.restore.append(lambda: setattr(iterator, "__next__", original_next))
    original_iter = _dataloader.DataLoader.__iter__

    def loader_iter(self: Any) -> Any:
        it = original_iter(self)
        with contextlib.suppress(AttributeError):
            it._traindx_loader = self
        for listener in list(capture.loader_listeners):
            listener(self)
        return it

    _dataloader.DataLoader.__iter__ = loader_iter  # type: ignore[method-assign]
    capture.restore.append(lambda: setattr(_dataloader.DataLoader, "__iter__", original_iter))
    # A new optimizer may begin a run that `traindx run` meets at its first step: its model's
    # first forwards come after the optimizer is made, so the module-call taps are armed again.
    optimizer_init = torch.optim.Optimizer.__init__

    def new_optimizer(self: Any, *args: Any, **kwargs: Any) -> None:
        optimizer_init(self, *args, **kwargs)
        capture.arm_inputs()

    torch.optim.Optimizer.__init__ = new_optimizer  # type: ignore[method-assign]
    capture.restore.append(lambda: setattr(torch.optim.Optimizer, "__init__", optimizer_init))
    capture.arm_inputs()
    capture.restore.append(capture.disarm_inputs)
    # Losses computed without training: the validation passes of plain loops (validation.py).
    capture.restore.append(validation.install())


def uninstall() -> None:
    """Puts `Tensor.backward` and the DataLoader back as they were (benchmarks, tests)."""
    with capture.lock:
        while capture.restore:
            capture.restore.pop()()
        capture.installed = False
        capture.last_loss = capture.last_grad_fn = capture.last_batch = capture.last_loader = None
        capture.last_iterator = None
        capture.first_inputs.clear()
        capture.first_target = None
        validation.observer.first_target = None
        functional_activations.state.clear()
