"""Per-tensor reductions over many tensors, results kept on the device until one host read.

On CUDA the multi-tensor `_foreach_norm` kernels do a whole list in one launch. On CPU there
are no launches to save: what costs is memory traffic and the dispatcher's per-op overhead. The
L2 `_foreach_norm` is one dispatch for the list and measured as fast as a `dot` per tensor on a
three-layer MLP's gradients and twice as fast on a small CNN's ten (the reshape and dispatch per
tensor are what it saves), so squares use it everywhere; ord=inf and ord=0 allocate a temporary
per value on CPU (5-20x slower), so max |x| and non-zero counts get a plain reduction per
tensor there, and the 0-d results are stacked once, with every other statistic of the step
(`vector`).

Each function returns a list of tensors whose values, flattened in order, are one number per
input tensor (`max_abs` on CPU: two, see `MaxAbs`).
"""

from __future__ import annotations

import math
from typing import Optional

import torch

_F32 = torch.float32


def _fused(tensors: list[torch.Tensor]) -> bool:
    return tensors[0].is_cuda


def squares(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """The sum of squares (squared L2 norm) of each tensor."""
    if not tensors:
        return []
    device = tensors[0].device
    if any(t.device != device for t in tensors):
        # A model split over devices: a norm per tensor, gathered on the first one's device.
        return [torch.stack([torch.linalg.vector_norm(t, dtype=_F32).to(device) for t in tensors]).square_()]
    # Half-precision squares overflow past 256: accumulate in float32 (one pass, one dispatch).
    return [torch.stack(torch._foreach_norm(tensors, 2, dtype=_F32)).square_()]


def sums(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """The signed sum of each tensor (there is no `_foreach_sum`)."""
    return [t.sum(dtype=_F32) for t in tensors]


class MaxAbs:
    """max |x| per tensor. CUDA: one fused inf-norm pass, one value each; CPU: `aminmax` (a
    plain reduction) gives min and max, and |x|'s maximum is taken of the two on the host."""

    @staticmethod
    def width(tensors: list[torch.Tensor]) -> int:
        return 1 if tensors and _fused(tensors) else 2

    @staticmethod
    def compute(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
        if not tensors:
            return []
        if _fused(tensors):
            return [torch.stack(torch._foreach_norm(tensors, float("inf"), dtype=_F32))]
        return [v for t in tensors for v in torch.aminmax(t)]

    @staticmethod
    def read(values: list[float], width: int) -> list[float]:
        """The host side: one max |x| per tensor (NaN when the tensor holds a NaN)."""
        if width == 1:
            return values
        out = []
        for low, high in zip(values[::2], values[1::2]):
            out.append(math.nan if math.isnan(low) or math.isnan(high) else max(-low, high))
        return out


def nonzero(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """How many values of each tensor are not exactly 0."""
    if not tensors:
        return []
    if _fused(tensors):
        return [torch.stack(torch._foreach_norm(tensors, 0, dtype=_F32))]
    # Branch-free on CPU: with gradients that are partly 0 (dead ReLU units), count_nonzero's
    # branches mispredict and measured 7x slower than |sign(x)| summed.
    return [t.sign().abs_().sum(dtype=_F32) for t in tensors]


def vector(parts: list[torch.Tensor], device: Optional[torch.device] = None) -> torch.Tensor:
    """One float32 vector of all parts, in order: runs of 0-d parts are stacked (one op for
    dozens of values), 1-d parts joined to them. Parts on another device (a model split over
    devices) are moved first; their values are few."""
    chunks: list[torch.Tensor] = []
    scalars: list[torch.Tensor] = []
    for p in parts:
        if device is not None and p.device != device:
            p = p.to(device)
        if p.dim() == 0:
            scalars.append(p)
            continue
        if scalars:
            chunks.append(torch.stack(scalars))
            scalars = []
        chunks.append(p.reshape(-1))
    if scalars:
        chunks.append(torch.stack(scalars))
    if not chunks:
        return torch.zeros(0, device=device)
    if len(chunks) == 1:
        return chunks[0].to(_F32)
    return torch.cat([c.to(_F32) for c in chunks])
