"""Process-wide taps on PyTorch: the loss `backward` was called on, the last batch a DataLoader
gave, and DataLoaders iterated to their end. Installed once; each costs one Python call."""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Optional

import torch
from torch.utils.data import dataloader as _dataloader

# Called with the global optimizer step count when the loader started its pass.
EpochListener = Callable[[int], None]


class Capture:
    """What the training script did last, for the watchers to read at the optimizer step."""

    def __init__(self) -> None:
        self.last_loss: Optional[torch.Tensor] = None
        self.last_grad_fn: Any = None  # the loss's autograd node, for naming the loss function
        self.last_batch: Any = None
        self.last_loader: Any = None
        self.optimizer_steps = 0
        self.epoch_listeners: list[EpochListener] = []
        self.loader_listeners: list[Callable[[Any], None]] = []  # a DataLoader began a pass
        self.installed = False
        self.lock = threading.Lock()
        self.restore: list[Callable[[], None]] = []

    def take_loss(self) -> Optional[torch.Tensor]:
        loss, self.last_loss = self.last_loss, None
        return loss


capture = Capture()


def install() -> None:
    """Wraps `Tensor.backward` and the DataLoader iterator's `__next__` (idempotent)."""
    with capture.lock:
        if capture.installed:
            return
        capture.installed = True
    original_backward = torch.Tensor.backward

    def backward(self: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
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


def uninstall() -> None:
    """Puts `Tensor.backward` and the DataLoader back as they were (benchmarks, tests)."""
    with capture.lock:
        while capture.restore:
            capture.restore.pop()()
        capture.installed = False
        capture.last_loss = capture.last_grad_fn = capture.last_batch = capture.last_loader = None
