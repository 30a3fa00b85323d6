"""Per-tensor reductions over many tensors in a few fused kernels, results kept on the device."""

from __future__ import annotations

import torch

# Below this many tensors one `.sum()` each is cheaper than concatenating them; above it the
# launches dominate (the trap: thousands of small tensors), so they are concatenated
# once and summed per segment.
_FEW_TENSORS = 32


def norms(tensors: list[torch.Tensor], order: float = 2.0) -> torch.Tensor:
    """The `order`-norm of each tensor as one float32 vector: 2 (L2), inf (max |x|), 0 (non-zeros)."""
    if not tensors:
        return torch.zeros(0)
    return torch.stack(torch._foreach_norm(tensors, order, dtype=torch.float32))


def sums(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The signed sum of each tensor as one float32 vector (there is no `_foreach_sum`)."""
    if not tensors:
        return torch.zeros(0)
    if len(tensors) <= _FEW_TENSORS or len({t.device for t in tensors}) > 1:
        return torch.stack([t.sum(dtype=torch.float32).to(tensors[0].device) for t in tensors])
    flat = torch.cat([t.reshape(-1).to(torch.float32) for t in tensors])
    lengths = torch.tensor([t.numel() for t in tensors], device=flat.device)
    return torch.segment_reduce(flat, "sum", lengths=lengths)


def on_device(parts: list[torch.Tensor], device: torch.device) -> torch.Tensor:
    """One vector of all parts on one device (parts of multi-device models are moved, small)."""
    kept = [p.reshape(-1).to(device=device, dtype=torch.float32) for p in parts if p.numel() > 0]
    return torch.cat(kept) if kept else torch.zeros(0, device=device)
