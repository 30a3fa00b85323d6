"""Forward hooks that summarise layer outputs on the device, attached only for sampled steps."""

from __future__ import annotations

from typing import Any, Optional

import torch
from torch import nn

from .model_facts import TrackedLayer

# Outside the responsive range of a saturating activation (spec/trace-format.md, LayerStats):
# sigmoid < 0.01 or > 0.99, i.e. |x - 0.5| > 0.49; |tanh| > 0.99.
_SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}

# Each captured output becomes [mean, std, dead share, saturated share, non-finite count].
ACT_VALUES = 5


def summarise_output(output: torch.Tensor, layer: TrackedLayer) -> torch.Tensor:
    """The five numbers of one output, on its device, no host read."""
    with torch.no_grad():
        y = output.detach()
        if not y.is_floating_point():
            y = y.float()
        var, mean = torch.var_mean(y.float(), correction=0)
        dead = torch.zeros((), device=y.device)
        if layer.family == "relu" and y.dim() >= 2:
            # A unit is dead when it is ≤ 0 for every example of the batch (and every position).
            axis = 1 if layer.channel_first and y.dim() >= 3 else -1
            top = y.movedim(axis, -1).reshape(-1, y.shape[axis]).amax(0)
            dead = (top <= 0).float().mean()
        saturated = torch.zeros((), device=y.device)
        if layer.family in _SATURATION:
            centre, limit = _SATURATION[layer.family]
            saturated = ((y - centre).abs() > limit).float().mean()
        non_finite = (~torch.isfinite(y)).sum().float()
        return torch.stack([mean.float(), var.float().sqrt(), dead, saturated, non_finite])


def _first_tensor(output: Any) -> Optional[torch.Tensor]:
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]  # LSTM/GRU: (output, state)
    return None


class ActivationTaps:
    """Forward hooks on the tracked layers. Each keeps only the five numbers of the layer's last
    output (no reference to the activation itself), so a validation pass in between costs
    nothing but its own reductions and the training forward, which comes last, wins."""

    def __init__(self, layers: list[TrackedLayer]) -> None:
        self.layers = layers
        self.captured: dict[int, torch.Tensor] = {}
        self._handles: list[Any] = []

    @property
    def attached(self) -> bool:
        return bool(self._handles)

    def attach(self) -> None:
        if self._handles:
            return
        self.captured = {}
        for index, layer in enumerate(self.layers):
            self._handles.append(layer.module.register_forward_hook(self._hook(index, layer)))

    def detach(self) -> dict[int, torch.Tensor]:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        captured, self.captured = self.captured, {}
        return captured

    def _hook(self, index: int, layer: TrackedLayer) -> Any:
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            tensor = _first_tensor(output)
            if tensor is not None and tensor.numel() > 0:
                self.captured[index] = summarise_output(tensor, layer)

        return hook
