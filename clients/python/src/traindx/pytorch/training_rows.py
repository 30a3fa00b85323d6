"""Whether a batch the model evaluates is made of rows of its training set.

An evaluation of the training data is no validation, yet it looks like one: gradients off, the
model in eval mode, the run's loss function. nanoGPT's and makemore's `estimate_loss()` evaluate
random batches of *both* splits in one pass (`get_batch("train")`, then `get_batch("val")`); a
loop over a DataLoader often ends its epoch with `criterion(model(x_train), y_train)` beside the
same for `x_val`. Counted as validation, those losses pull the validation loss halfway to the
training loss, and an overfitting gap shows at half its size, with numbers the user never saw.

The training inputs are known once the run is described: the TensorDataset a loader iterates,
or the tensor a hand-written loop slices its batches from (`data_source.tensors_beside`). Each of
their rows gets an exact key: its bytes, weighted by fixed integers and summed in float64, where
every product and partial sum is an integer below 2**53, so any summation order gives the same
key for the same bytes. A batch's first rows are looked up by key, and a candidate counts only
if its bytes equal the row's: a key shared by different rows costs a comparison, never a wrong
answer. NaN rows compare by their bytes too.

A language model's loop (the shape of Karpathy's GPT lessons) batches windows of a token stream,
`torch.stack([train_data[i : i + T] for i in ix])`: no row of any tensor. There the index is of
the stream's windows (`TrainingWindows`), each position keyed by its first tokens, a window
confirmed token by token.
"""

from __future__ import annotations

import math
from typing import Optional

import torch

_ROWS = 4  # rows of a batch looked up: all of them must be training rows
_CANDIDATES = 16  # rows sharing a key compared at most (a set of many equal rows stays cheap)
_CHUNK_BYTES = 1 << 22  # rows keyed at a time (their float64 copy is 8 times this)


class TrainingRows:
    """An index of the training inputs' rows (kept by reference: the script holds them anyway)."""

    def __init__(self, inputs: torch.Tensor) -> None:
        with torch.no_grad():
            rows = inputs.detach().reshape(len(inputs), -1)
            self.shape, self.dtype = tuple(inputs.shape[1:]), inputs.dtype
            self.bytes = rows.contiguous().view(torch.uint8)  # (rows, bytes per row)
            width = self.bytes.shape[1]
            # Bytes (< 2**8) times weights (< 2**bits), summed over `width` bytes, stay below 2**52.
            bits = max(1, 52 - 8 - math.ceil(math.log2(max(2, width))))
            self.weights = _weights(width, min(bits, 30), self.bytes.device).to(torch.float64)
            step = max(1, _CHUNK_BYTES // max(1, width))
            chunks = [self._keys(self.bytes[at : at + step]) for at in range(0, len(self.bytes), step)]
            self.keys, self.order = torch.sort(torch.cat(chunks))

    def _keys(self, rows: torch.Tensor) -> torch.Tensor:
        return rows.to(torch.float64) @ self.weights

    def holds(self, batch: object) -> bool:
        """Whether the first rows of `batch` (a tensor shaped and typed like the training inputs'
        rows, on any device) are all training rows."""
        if not isinstance(batch, torch.Tensor) or batch.dim() == 0 or len(batch) == 0:
            return False
        if tuple(batch.shape[1:]) != self.shape or batch.dtype != self.dtype:
            return False
        with torch.no_grad():
            rows = batch.detach()[:_ROWS].reshape(min(_ROWS, len(batch)), -1)
            wanted = rows.to(self.bytes.device).contiguous().view(torch.uint8)
            return _all_indexed(self.keys, self.order, self._keys(wanted), wanted, self.bytes)


_GRAM = 8  # tokens keyed per window position
_LARGEST_TOKEN = 1 << 24  # token ids keyed exactly: below this, times weights below 2**20, in int64


class TrainingWindows:
    """An index of the windows of `width` tokens of a training stream (a 1-D tensor of token ids,
    kept by reference): the key of each position is its first tokens times fixed weights, summed
    in int64 (exact: ids below 2**24, weights below 2**20, at most 8 of them)."""

    def __init__(self, stream: torch.Tensor, width: int) -> None:
        with torch.no_grad():
            self.stream, self.width, self.dtype = stream.detach(), width, stream.dtype
            self.gram = min(_GRAM, width)
            self.weights = _weights(self.gram, 20, stream.device)
            tokens = self.stream.to(torch.int64)
            starts = len(tokens) - width + 1
            keys = sum(tokens[j : j + starts] * self.weights[j] for j in range(self.gram))
            self.keys, self.order = torch.sort(keys)  # type: ignore[arg-type]

    def holds(self, batch: object) -> bool:
        """Whether the first rows of `batch` (windows of `width` tokens, on any device) are all
        windows of the training stream."""
        if not isinstance(batch, torch.Tensor) or batch.dim() != 2 or len(batch) == 0:
            return False
        if batch.shape[1] != self.width or batch.dtype != self.dtype:
            return False
        with torch.no_grad():
            rows = batch.detach()[:_ROWS].to(self.stream.device)
            keys = (rows[:, : self.gram].to(torch.int64) * self.weights).sum(1)
            windows = self.stream.unfold(0, self.width, 1)  # a view: no copy
            return _all_indexed(self.keys, self.order, keys, rows, windows)


def _weights(count: int, bits: int, device: torch.device) -> torch.Tensor:
    """`count` fixed int64 weights in [1, 2**bits), the same in every run, from a generator of
    their own: no draw from the script's random state."""
    generator = torch.Generator().manual_seed(20261208)
    return torch.randint(1, 1 << bits, (count,), generator=generator, dtype=torch.int64).to(device)


def _all_indexed(
    keys: torch.Tensor, order: torch.Tensor, wanted: torch.Tensor, rows: torch.Tensor, entries: torch.Tensor
) -> bool:
    """Whether each of `rows` (keyed `wanted`) equals one of the indexed `entries` that share its
    key (`keys` sorted, `order` their entries' positions), comparing at most _CANDIDATES each."""
    low = torch.searchsorted(keys, wanted, side="left").tolist()
    high = torch.searchsorted(keys, wanted, side="right").tolist()
    for row, start, end in zip(rows, low, high):
        if end == start:
            return False
        candidates = order[start : min(end, start + _CANDIDATES)]
        if not bool((entries[candidates] == row).all(1).any()):
            return False
    return True


def training_windows(stream: Optional[torch.Tensor], width: int) -> Optional[TrainingWindows]:
    """The index of the windows of `width` tokens of `stream`, or None (no stream, or token ids
    out of the exact key's range)."""
    if not isinstance(stream, torch.Tensor) or stream.dim() != 1 or len(stream) < width or width < 1:
        return None
    if stream.is_floating_point() or stream.dtype == torch.bool or stream.is_complex():
        return None
    try:
        low, high = (int(v) for v in torch.aminmax(stream))
        if low < 0 or high >= _LARGEST_TOKEN:
            return None
        return TrainingWindows(stream, width)
    except Exception:  # an odd tensor costs the run this check, never its training
        return None


def training_rows(inputs: Optional[torch.Tensor]) -> Optional[TrainingRows]:
    """The index of `inputs` (the training set's inputs, whole), or None without them."""
    if not isinstance(inputs, torch.Tensor) or inputs.dim() == 0 or len(inputs) == 0 or inputs.is_sparse:
        return None
    try:
        return TrainingRows(inputs)
    except Exception:  # an odd tensor costs the run this check, never its training
        return None
