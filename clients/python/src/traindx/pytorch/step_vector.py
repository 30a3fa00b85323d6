"""Where a sampled step's statistics are written: one float32 vector on the parameters' device,
each reduction writing its result into its own slot (`out=`), read back in one transfer.

Why slots: on CPU a sampled step's reductions are small and many (a few per parameter and per
tapped layer), and gathering their 0-d results afterwards cost more than most of them did:
`torch.stack` of 60 scalars measured 37-70 us, more than a sum over a 784x256 kernel (15-20 us).
Written in place, nothing is gathered; the vector is cloned once when the step is handed to the
run. The reductions themselves are the ones the statistics always used (float32 sums, aminmax,
L2 norms with float32 accumulation): no number changes.
"""

from __future__ import annotations

from typing import Any, Optional

import torch

try:
    import numpy as np
except ImportError:  # torch runs without numpy: the torch reductions below serve alone then
    np = None  # type: ignore[assignment]

F32 = torch.float32


class StepVector:
    """A persistent vector and its 0-d slot views (made once: a view costs about 1 us)."""

    def __init__(self, size: int, device: torch.device) -> None:
        self.device = device
        self.tensor = torch.zeros(max(size, 1), dtype=F32, device=device)
        self.slots = list(self.tensor.unbind())
        # CPU with numpy: a numpy view of the same memory, for values numpy computes (see below).
        self.host = host_array(self.tensor)

    def span(self, start: int, n: int) -> torch.Tensor:
        return self.tensor[start : start + n]

    def snapshot(self) -> torch.Tensor:
        """The step's values, apart from the next sampled step's writes (one small copy)."""
        return self.tensor.clone()


def accumulation(t: torch.Tensor) -> Optional[torch.dtype]:
    """The dtype a norm of `t` accumulates in: float32 for half and bfloat16, None (its own) for
    float32 and wider; a float64 model's norms stay float64, as torch refuses a narrowing `dtype=`."""
    return F32 if t.element_size() < 4 else None


def fast(t: torch.Tensor, device: torch.device) -> bool:
    """Whether `t`'s reductions can write straight into a float32 slot on `device`."""
    return t.dtype == F32 and t.device == device and t.dim() > 0


def put_sum(t: torch.Tensor, slot: torch.Tensor, dims: Optional[tuple[int, ...]]) -> None:
    """The signed sum of `t` (float32 accumulation, as `t.sum(dtype=float32)`)."""
    if dims is not None:
        torch.sum(t, dims, out=slot)
    else:
        slot.copy_(t.sum(dtype=F32))


def put_square_sum(t: torch.Tensor, slot: torch.Tensor, direct: bool) -> None:
    """Σ t², the squared L2 norm (the square is what decoding adds up per layer): one BLAS dot of
    the flat tensor with itself, written into the slot. On CPU that measured 20 us for a 784x256
    kernel against 26 us for `vector_norm`, and it needs no list: each tensor's statistics run
    back to back while it is in cache (`LayerStatsPlan`)."""
    if direct:
        flat = t.reshape(-1)  # a view: parameters and their gradients are contiguous
        torch.dot(flat, flat, out=slot)
    else:
        slot.copy_(torch.linalg.vector_norm(t, dtype=accumulation(t)).square())


def put_min_max(t: torch.Tensor, low: torch.Tensor, high: torch.Tensor, direct: bool) -> None:
    """min and max of `t` in one pass (`aminmax`)."""
    if direct:
        torch.aminmax(t, out=(low, high))
    else:
        lo, hi = torch.aminmax(t)
        low.copy_(lo)
        high.copy_(hi)


def norms(
    tensors: list[torch.Tensor], uniform: bool, device: torch.device, ord: float = 2, out: Any = None
) -> torch.Tensor:
    """The `ord`-norm of each of `tensors` (a non-empty list), one float32 value each, into `out`
    or a new vector on `device`: one `_foreach_norm` over the list, accumulating in float32, when
    every tensor is on `device` (`uniform`); else, or when a float64 tensor refuses a float32
    norm, one norm per tensor in its `accumulation` dtype, copied over."""
    if uniform:
        try:
            return torch.stack(torch._foreach_norm(tensors, ord, dtype=F32), out=out)
        except RuntimeError:  # a float64 tensor among them: one norm per tensor, below
            pass
    each = [torch.linalg.vector_norm(t, ord, dtype=accumulation(t)).to(device, F32) for t in tensors]
    return torch.stack(each, out=out)


def put_norms(tensors: list[torch.Tensor], out: torch.Tensor, uniform: bool, ord: float = 2) -> None:
    """`norms` of `tensors` written into `out` (nothing for an empty list)."""
    if tensors:
        norms(tensors, uniform, out.device, ord, out=out)


def put_square_norms(tensors: list[torch.Tensor], out: torch.Tensor) -> None:
    """Σ t² of each tensor into `out` as the list op does it on CUDA: one `_foreach_norm` launch
    over the list, then one square of the results (the layout holds squares, see put_square_sum)."""
    put_norms(tensors, out, True)
    out.square_()


def put_nonzero(t: torch.Tensor, slot: torch.Tensor, scratch: Optional[torch.Tensor]) -> None:
    """How many values of `t` are not exactly 0: `t != 0` written as 1.0/0.0 into a float32
    scratch buffer kept between steps (a fresh one per step is a page-faulting allocation for a
    large kernel), then one sum. Branch-free: with gradients partly 0 (dead ReLU units),
    `count_nonzero`'s branches mispredict (it measured 16x slower), and a bool mask's sum takes a
    slow integer path (5x). Exact below 2**24 values per tensor."""
    if scratch is not None:
        ones = torch.ne(t.reshape(-1), 0, out=scratch[: t.numel()])
        torch.sum(ones, 0, out=slot)
    else:
        slot.copy_(t.sign().abs_().sum(dtype=F32))


# -- CPU: numpy's counts ------------------------------------------------------------------------
#
# Counting is where numpy's kernels beat torch's on the same memory (one thread, in cache): the
# non-zero values of a 784x256 float32 gradient by `!= 0` into a kept bool buffer and
# `count_nonzero` in 20 us against torch's `ne` + sum's 34 us; the dead units of a 256-unit
# output in 2 us against 9. Only counts: numpy's BLAS `dot` was faster than torch.dot for sums of
# squares too, but OpenBLAS runs a long dot on threads of its own beside torch's (with both cores
# busy, a 1M-value dot took up to 4 ms where its median was 68 us). A numpy view shares the
# tensor's memory: nothing is copied.


def host_array(t: torch.Tensor) -> Any:
    """A flat numpy view of a float32 tensor in CPU memory, or None (numpy missing, another dtype
    or device, a sparse or otherwise special tensor): the caller uses the torch reduction then."""
    if np is None or t.dtype != F32 or t.device.type != "cpu":
        return None
    try:
        return t.detach().numpy().reshape(-1)
    except (RuntimeError, TypeError, ValueError):
        return None


def host_nonzero(a: Any, scratch: Any) -> int:
    """How many values of the host_array `a` are not exactly 0, through a kept bool buffer
    (`scratch`, at least as long as `a`). Exact; the float32 step vector holds it exactly below
    2**24 values per tensor, as it does torch's sum (put_nonzero)."""
    return int(np.count_nonzero(np.not_equal(a, 0, out=scratch[: a.shape[0]])))
