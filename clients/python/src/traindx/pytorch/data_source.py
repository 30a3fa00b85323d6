"""The whole training set of a loop without a DataLoader, found beside its batches.

A script that slices its batches from tensors by hand (`x_train[idx]`, `x_train[i : i + 32]`)
shows traindx only its first batch, yet the data facts want the whole set: its size (a tiny
training set), every class's count (an imbalance one batch cannot tell from chance), a NaN in
one row of a thousand. The tensors it slices are in the script's own frames, around the training
step, as the loop's local (or module) variables. The training inputs are the smallest such tensor
with the batch's trailing shape and dtype that holds the batch's first rows (compared value by
value); the labels, the one tensor of labels the same length whose values at those rows are the
batch's labels. Anything less certain gives nothing: the facts stay the batch's.
"""

from __future__ import annotations

from types import FrameType
from typing import Any, Optional

import torch

from ..planned_epochs import is_script

# Tensors larger than this (in values) are not searched: comparing rows costs a pass over them.
_LARGEST = 1 << 22
_ROWS = 4  # batch rows looked up
_FRAMES = 3  # script frames searched, outward from the training step


def tensors_beside(x: Any, y: Any, frame: Optional[FrameType]) -> dict[str, Any]:
    """`{"train_size", "train_inputs", "all_inputs"?, "all_labels"?}` of the tensors the batch `x`
    (labels `y`) was sliced from, or {}: the keys `data_facts.loader_facts` gives for a
    TensorDataset (`all_inputs`: floating-point ones only, for their statistics)."""
    if not isinstance(x, torch.Tensor) or x.dim() < 2 or x.shape[0] == 0:
        return {}
    try:
        with torch.no_grad():
            return _search(x.detach(), y.detach() if isinstance(y, torch.Tensor) else None, frame)
    except Exception:  # odd variables cost the run these facts, never its training
        return {}


def stream_beside(x: Any, frame: Optional[FrameType]) -> Optional[torch.Tensor]:
    """The token stream a batch of windows was cut from (`torch.stack([data[i : i + T] for i in
    ix])`: a language model's loop), found in the script's frames: the shortest 1-D tensor of the
    batch's dtype that holds the batch's first row as a window, or None."""
    if not isinstance(x, torch.Tensor) or x.dim() != 2 or x.shape[1] < 2 or len(x) == 0:
        return None
    if x.is_floating_point() or x.dtype == torch.bool:
        return None
    try:
        with torch.no_grad():
            row = x[0].detach()
            width = len(row)
            found: Optional[torch.Tensor] = None
            for t in _script_tensors(frame):
                if t.dim() != 1 or t.dtype != x.dtype or len(t) <= width or t.numel() > _LARGEST:
                    continue
                if found is not None and len(t) >= len(found):
                    continue
                here = row.to(t.device)
                starts = (t[: len(t) - width + 1] == here[0]).nonzero().reshape(-1)
                if len(starts) and bool((t.unfold(0, width, 1)[starts] == here).all(1).any()):
                    found = t
            return found
    except Exception:  # odd variables cost the run this fact, never its training
        return None


def whole_batch(x: Any, y: Any) -> dict[str, Any]:
    """The facts `tensors_beside` gives, for a loop that trains on the whole set each step
    (planned_epochs.same_each_pass): the batch is the training set."""
    if not isinstance(x, torch.Tensor) or x.dim() == 0 or x.shape[0] == 0:
        return {}
    facts: dict[str, Any] = {"train_size": len(x), "train_inputs": x}
    if x.numel() <= _LARGEST and x.is_floating_point():
        facts["all_inputs"] = x
    if isinstance(y, torch.Tensor) and y.dim() >= 1 and len(y) == len(x):
        facts["all_labels"] = y
    return facts


def _search(x: torch.Tensor, y: Optional[torch.Tensor], frame: Optional[FrameType]) -> dict[str, Any]:
    """The facts of the smallest candidate larger than the batch that holds its first finite rows."""
    candidates = _script_tensors(frame)
    finite = torch.isfinite(x.reshape(x.shape[0], -1)).all(1).nonzero().reshape(-1)[:_ROWS]
    if finite.numel() == 0:
        return {}
    rows = x[finite]
    best: Optional[tuple[torch.Tensor, torch.Tensor]] = None
    for t in candidates:
        # (on any device: a batch is often moved to the GPU from a training set kept on the CPU)
        if t.shape[1:] != x.shape[1:] or t.dtype != x.dtype:
            continue
        # Not the batch itself, bound to a name (`xb = x_train[idx]`), nor a copy of it: a set
        # used whole in each step (full-batch training) is not told from a batch here.
        if t.shape[0] <= x.shape[0] or t.numel() > _LARGEST or (best is not None and len(t) >= len(best[0])):
            continue
        at = _row_positions(t, rows)
        if at is not None:
            best = (t, at)
    if best is None:
        return {}
    return _with_labels(best[0], best[1], finite, y, candidates)


def _script_tensors(frame: Optional[FrameType]) -> list[torch.Tensor]:
    """The tensors bound to names in the first few script frames outward from `frame`."""
    found: dict[int, torch.Tensor] = {}
    seen = 0
    while frame is not None and seen < _FRAMES:
        if is_script(frame.f_code.co_filename):
            seen += 1
            for value in list(frame.f_locals.values()):
                if isinstance(value, torch.Tensor) and not value.requires_grad and value.dim() >= 1:
                    found.setdefault(id(value), value)
        frame = frame.f_back
    return list(found.values())


def _row_positions(t: torch.Tensor, rows: torch.Tensor) -> Optional[torch.Tensor]:
    """Where in `t` each of `rows` is (the first equal row), or None if one is missing."""
    flat, wanted = t.reshape(len(t), -1), rows.reshape(len(rows), -1).to(t.device)
    equal = (flat.unsqueeze(0) == wanted.unsqueeze(1)).all(-1)  # [rows, len(t)]
    found, at = equal.max(1)
    return at if bool(found.all()) else None


def _with_labels(
    inputs: torch.Tensor,
    at: torch.Tensor,
    rows: torch.Tensor,
    y: Optional[torch.Tensor],
    candidates: list[torch.Tensor],
) -> dict[str, Any]:
    facts: dict[str, Any] = {"train_size": len(inputs), "train_inputs": inputs}
    if inputs.numel() <= _LARGEST and inputs.is_floating_point():
        facts["all_inputs"] = inputs
    if y is None or y.dim() == 0 or len(y) <= int(rows.max()):
        return facts  # no labels beside the batch's rows
    wanted = y[rows.to(y.device)]
    labels = [
        t
        for t in candidates
        if t is not inputs
        and len(t) == len(inputs)
        and t.shape[1:] == y.shape[1:]
        and t.dtype == y.dtype
        and bool((t[at.to(t.device)] == wanted.to(t.device)).all())
    ]
    if len(labels) == 1:
        facts["all_labels"] = labels[0]
    return facts
