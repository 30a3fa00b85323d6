"""Forward passes of a watched model run without gradients while it is in training mode: how a
validation pass that forgot `model.eval()` shows (`noGradForwardsInTrainMode` on the next epoch
event, docs/spec/trace-format-extensions.md). Under `torch.no_grad()` or `torch.inference_mode()`
nothing is trained, so a forward there is an evaluation; in training mode its Dropout still
drops and its BatchNorm normalises with the batch and updates its running statistics with it.

Only models with such a layer are watched (for any other the two modes compute the same): one
forward pre-hook on the model, which reads two flags and changes nothing.
"""

from __future__ import annotations

from typing import Any, Optional

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.dropout import _DropoutNd

_MODAL = (_DropoutNd, _BatchNorm)


class NoGradTrainForwards:
    """Counts the model's forward calls made with gradients disabled while it is in training mode."""

    def __init__(self, model: nn.Module) -> None:
        self.count = 0
        self._handle: Any = model.register_forward_pre_hook(self._see)

    def _see(self, module: nn.Module, inputs: Any) -> None:
        if module.training and not torch.is_grad_enabled():
            self.count += 1

    def take(self) -> dict[str, Any]:
        """The count since the last call, as the epoch event's extra field (empty when 0)."""
        n, self.count = self.count, 0
        return {"noGradForwardsInTrainMode": n} if n else {}

    def remove(self) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None


def fields(counter: Optional[NoGradTrainForwards]) -> dict[str, Any]:
    """The epoch event's field for a watcher's counter (None: the model has no such layer)."""
    return counter.take() if counter is not None else {}


def watch(model: nn.Module) -> Optional[NoGradTrainForwards]:
    """A counter for a model whose Dropout or BatchNorm makes its mode matter, else None."""
    if not any(isinstance(m, _MODAL) for m in model.modules()):
        return None
    return NoGradTrainForwards(model)
