"""Forward hooks that summarise layer outputs on the device, attached only for sampled steps."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import torch
from torch import nn

from ..guard import report
from .compiled import compiling
from .model_facts import ACTIVATIONS, TrackedLayer
from .step_vector import np

ACTIVATION_TYPES = frozenset(ACTIVATIONS)

# Outside the responsive range of a saturating activation (spec/trace-format.md, LayerStats):
# sigmoid < 0.01 or > 0.99, i.e. |x - 0.5| > 0.49; |tanh| > 0.99.
_SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}


# Slots per tapped layer in the step vector: sum, sum of squares, dead units, saturated values,
# non-finite values.
ACT_SLOTS = 5


class OutputShape(NamedTuple):
    """What decoding a layer output's slots needs besides their values."""

    size: int
    units: int  # units judged for death (0: not a ReLU-family output)
    saturation: bool
    non_finite: bool


def summarise_output(
    output: torch.Tensor, layer: TrackedLayer, slots: list[torch.Tensor], host: Any = None, at: int = 0
) -> OutputShape:
    """Writes a layer output's numbers into its ACT_SLOTS slots on the device: [sum, sum of
    squares] then, as they apply, the count of dead units, of saturated values and of non-finite
    values. Plain reductions only (sum, dot, amax over axes): `var_mean` and elementwise
    temporaries cost 10-30x more on CPU. Non-finite values get a pass of their own only when the
    sum of squares shows some (read at once on CPU, where that costs no device sync); on CUDA
    the pass always runs, one fused kernel beside the step. The output is detached first, so no
    autograd graph is recorded and no `no_grad` context is needed (entering one per hook measured
    a few microseconds, as much as a small layer's reductions). `host`: the step vector's numpy
    view on CPU, `slots` being its values from `at` on: the dead units are numpy's count then
    (step_vector.py)."""
    y = output.detach()
    if y.dtype != torch.float32 and y.dtype != torch.float64:
        y = y.float()
    if layer.applied is not None:  # the activation the forward applies as a function, as it applied it
        _, function, arguments = layer.applied
        y = function(y, **arguments)
    flat = y.reshape(-1)
    here = y.device == slots[0].device
    direct = here and y.dtype == torch.float32
    if direct:
        torch.sum(flat, 0, out=slots[0])
        torch.dot(flat, flat, out=slots[1])
    else:
        slots[0].copy_(flat.sum())
        slots[1].copy_(torch.dot(flat, flat))
    units = 0
    if layer.family == "relu" and y.dim() >= 2:
        # A unit is dead when it is <= 0 for every example of the batch (and every position).
        axis = 1 if layer.channel_first and y.dim() >= 3 else y.dim() - 1
        top = y.amax(dim=tuple(d for d in range(y.dim()) if d != axis))
        if host is not None and here:  # numpy's count of a small bool vector: 2 us against torch's 9 us
            host[at + 2] = int(np.count_nonzero(top.numpy() <= 0))
        else:
            _put_count(top <= 0, slots[2], here)
        units = top.numel()
    saturation = layer.family in _SATURATION
    if saturation:
        centre, limit = _SATURATION[layer.family]
        _put_count((flat - centre).abs_() > limit, slots[3], here)
    non_finite = y.is_cuda or not math.isfinite(float(slots[1]))
    if non_finite:
        slots[4].copy_((~torch.isfinite(flat)).sum())
    return OutputShape(flat.numel(), units, saturation, non_finite)


def _put_count(mask: torch.Tensor, slot: torch.Tensor, here: bool) -> None:
    """How many of a 1-d mask's values are true, into a float32 slot (exact below 2**24)."""
    if here:
        torch.sum(mask, 0, dtype=torch.float32, out=slot)
    else:
        slot.copy_(mask.sum())


def _is_activation(layer: TrackedLayer) -> bool:
    """An activation module of its own (nn.ReLU, nn.Sigmoid, ...): no weights of its own."""
    return layer.torch_type in ACTIVATION_TYPES and not layer.params


def _first_tensor(output: Any) -> Optional[torch.Tensor]:
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]  # LSTM/GRU: (output, state)
    return None


class ActivationTaps:
    """Forward hooks on the tracked layers. Each writes the five numbers of the layer's last
    output into its slots of the step vector (no reference to the activation itself), so a
    validation pass in between costs nothing but its own reductions and the training forward,
    which comes last, overwrites them."""

    def __init__(
        self, layers: list[TrackedLayer], slots: list[torch.Tensor], first: int, host: Any = None
    ) -> None:
        """`slots`: the step vector's, ACT_SLOTS per layer from `first` on, in layer order; `host`:
        its numpy view on CPU (StepVector.host)."""
        self.layers = layers
        self.slots = slots
        self.host = host
        self.first = first
        self.captured: dict[int, OutputShape] = {}
        self._handles: list[Any] = []
        self.disabled = False  # no taps for this run: an error in a hook (guard.py), a compiled model

    @property
    def attached(self) -> bool:
        return bool(self._handles)

    def attach(self) -> None:
        if self._handles or self.disabled:
            return
        self.captured = {}
        for index in self.tapped:
            layer = self.layers[index]
            self._handles.append(layer.module.register_forward_hook(self._hook(index, layer)))

    @property
    def tapped(self) -> list[int]:
        """The layers whose outputs are judged: layers with weights and activation layers (as
        the TS monitor's tap); pooling, dropout and reshapes only repeat what came before. A
        layer with weights whose output goes straight into an activation module (Linear, then
        ReLU) is left to that module: the trace's readers judge an activation written as a layer
        of its own in place of the output before it (spec/trace-format.md; detect/stats/
        layer-keys.ts, describesActivatedOutput), and a tap costs a sampled forward pass about
        40 us on CPU (the hook, its reductions, and the module's slower path with a hook)."""
        out = []
        for index, layer in enumerate(self.layers):
            if not layer.params and layer.family == "other" and layer.torch_type not in ACTIVATION_TYPES:
                continue
            following = self.layers[index + 1] if index + 1 < len(self.layers) else None
            if layer.params and following is not None and _is_activation(following):
                continue
            out.append(index)
        return out

    def take(self) -> dict[int, OutputShape]:
        """What the hooks caught since the last take, leaving them attached (for the next sampled
        step right after: registering hooks anew each step costs more than the hooks)."""
        captured, self.captured = self.captured, {}
        return captured

    def detach(self) -> dict[int, OutputShape]:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        captured, self.captured = self.captured, {}
        return captured

    def _hook(self, index: int, layer: TrackedLayer) -> Any:
        at = self.first + index * ACT_SLOTS
        slots = self.slots[at : at + ACT_SLOTS]

        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            if compiling() or self.disabled:  # (compiled.py: traced, it is nothing)
                return
            tensor = output if type(output) is torch.Tensor else _first_tensor(output)
            try:
                if tensor is not None and tensor.numel() > 0:
                    self.captured[index] = summarise_output(tensor, layer, slots, self.host, at)
            except Exception as err:  # an odd output costs the run its activations, never its forward
                self.disabled = True
                report("stopped summarising layer outputs", err)

        return hook
