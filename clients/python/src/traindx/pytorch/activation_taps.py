"""Forward hooks that summarise layer outputs on the device, attached only for sampled steps."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import torch
from torch import nn

from .model_facts import ACTIVATIONS, TrackedLayer

ACTIVATION_TYPES = frozenset(ACTIVATIONS)

# Outside the responsive range of a saturating activation (spec/trace-format.md, LayerStats):
# sigmoid < 0.01 or > 0.99, i.e. |x - 0.5| > 0.49; |tanh| > 0.99.
_SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}


class OutputSummary(NamedTuple):
    """A layer output's numbers on its device, 0-d tensors stacked later with the rest of the
    step's: [sum, sum of squares] then, as they apply, the count of dead units, of saturated
    values and of non-finite values."""

    values: list[torch.Tensor]
    size: int
    units: int  # units judged for death (0: not a ReLU-family output)
    saturation: bool
    non_finite: bool


def summarise_output(output: torch.Tensor, layer: TrackedLayer) -> OutputSummary:
    """Plain reductions only (sum, dot, amax over axes): `var_mean` and elementwise temporaries
    cost 10-30x more on CPU. Non-finite values get a pass of their own only when the sum of
    squares shows some (read at once on CPU, where that costs no device sync); on CUDA the pass
    always runs, one fused kernel beside the step."""
    y = output.detach()
    if y.dtype != torch.float32 and y.dtype != torch.float64:
        y = y.float()
    flat = y.reshape(-1)
    squares = torch.dot(flat, flat)
    parts = [flat.sum(), squares]
    units = 0
    if layer.family == "relu" and y.dim() >= 2:
        # A unit is dead when it is <= 0 for every example of the batch (and every position).
        axis = 1 if layer.channel_first and y.dim() >= 3 else y.dim() - 1
        top = y.amax(dim=tuple(d for d in range(y.dim()) if d != axis))
        parts.append((top <= 0).sum())
        units = top.numel()
    saturation = layer.family in _SATURATION
    if saturation:
        centre, limit = _SATURATION[layer.family]
        parts.append(torch.count_nonzero((flat - centre).abs_() > limit))
    non_finite = y.is_cuda or not math.isfinite(float(squares))
    if non_finite:
        parts.append((~torch.isfinite(flat)).sum())
    return OutputSummary(parts, flat.numel(), units, saturation, non_finite)


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
        self.captured: dict[int, OutputSummary] = {}
        self._handles: list[Any] = []

    @property
    def attached(self) -> bool:
        return bool(self._handles)

    def attach(self) -> None:
        if self._handles:
            return
        self.captured = {}
        for index, layer in enumerate(self.layers):
            # Outputs worth judging: layers with weights and activation layers (as the TS
            # monitor's tap); pooling, dropout and reshapes only repeat what came before.
            if not layer.params and layer.family == "other" and layer.torch_type not in ACTIVATION_TYPES:
                continue
            self._handles.append(layer.module.register_forward_hook(self._hook(index, layer)))

    def take(self) -> dict[int, OutputSummary]:
        """What the hooks caught since the last take, leaving them attached (for the next sampled
        step right after: registering hooks anew each step costs more than the hooks)."""
        captured, self.captured = self.captured, {}
        return captured

    def detach(self) -> dict[int, OutputSummary]:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        captured, self.captured = self.captured, {}
        return captured

    def _hook(self, index: int, layer: TrackedLayer) -> Any:
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            tensor = _first_tensor(output)
            if tensor is not None and tensor.numel() > 0:
                with torch.no_grad():
                    self.captured[index] = summarise_output(tensor, layer)

        return hook
