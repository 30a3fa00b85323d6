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
            generator = torch.Generator().manual_seed(20261208)  # its own: no draw from the script's
            weights = torch.randint(1, 1 << min(bits, 30), (width,), generator=generator, dtype=torch.int64)
            self.weights = weights.to(torch.float64).to(self.bytes.device)
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
            keys = self._keys(wanted)
            low = torch.searchsorted(self.keys, keys, side="left").tolist()
            high = torch.searchsorted(self.keys, keys, side="right").tolist()
            for row, start, end in zip(wanted, low, high):
                if end == start:
                    return False
                candidates = self.order[start : min(end, start + _CANDIDATES)]
                if not bool((self.bytes[candidates] == row).all(1).any()):
                    return False
        return True


def training_rows(inputs: Optional[torch.Tensor]) -> Optional[TrainingRows]:
    """The index of `inputs` (the training set's inputs, whole), or None without them."""
    if not isinstance(inputs, torch.Tensor) or inputs.dim() == 0 or len(inputs) == 0 or inputs.is_sparse:
        return None
    try:
        return TrainingRows(inputs)
    except Exception:  # an odd tensor costs the run this check, never its training
        return None
