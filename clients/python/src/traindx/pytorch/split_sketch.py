"""Which examples each data split holds, as a small sketch: the `sampleSketch` field of an epoch
event (docs/spec/trace-format-extensions.md), from which the server estimates how many validation
examples are also training examples (leakage).

Each example's input is hashed by its bytes (dtype and shape included) to 64 bits; a split is
sent as the `SKETCH_SIZE` smallest distinct hashes (a bottom-k sketch, Broder 1997). Two splits'
sketches estimate the Jaccard overlap of the whole splits: the smallest hashes of their union that
are in both. A hash says nothing about the example it came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
from typing import Any, Optional

import torch

from ..encode import round6

SKETCH_SIZE = 64
# A TensorDataset is hashed row by row from its tensor (about 1 µs a row): up to 50,000 rows.
_TENSOR_ROWS = 50_000
# Any other map-style dataset is read item by item through __getitem__, which may load files or
# augment: its first 2,048 items only.
_ITEMS = 2_048


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _tensor_bytes(t: Any) -> Optional[bytes]:
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().contiguous()
        return f"{t.dtype}{tuple(t.shape)}".encode() + t.numpy().tobytes()
    tobytes = getattr(t, "tobytes", None)  # numpy arrays
    if callable(tobytes):
        return f"{getattr(t, 'dtype', '')}{getattr(t, 'shape', '')}".encode() + tobytes()
    return None


def _input_of(item: Any) -> Any:
    if isinstance(item, (list, tuple)) and item:
        return item[0]
    if isinstance(item, dict):
        return next(iter(item.values()), None)
    return item


def _rows(dataset: Any) -> tuple[Optional[torch.Tensor], Optional[list[int]]]:
    """The input tensor behind a TensorDataset, or a Subset of one (with its indices)."""
    indices: Optional[list[int]] = None
    if hasattr(dataset, "indices") and hasattr(dataset, "dataset"):
        indices = list(dataset.indices)
        dataset = dataset.dataset
    tensors = getattr(dataset, "tensors", None)
    if isinstance(tensors, tuple) and tensors and isinstance(tensors[0], torch.Tensor):
        return tensors[0], indices
    return None, None


def sketch_dataset(dataset: Any, size: int = SKETCH_SIZE) -> Optional[dict[str, Any]]:
    """`{"examples": n, "hashed": m, "hashes": [...]}`: the `size` smallest distinct input hashes of
    the first m examples (all of them when the dataset is small). None for an iterable dataset or
    one whose items are not tensors or arrays."""
    try:
        n = len(dataset)
    except TypeError:
        return None
    inputs, indices = _rows(dataset)
    hashes: set[str] = set()
    if inputs is not None:
        rows = indices if indices is not None else range(inputs.shape[0])
        rows = list(rows)[:_TENSOR_ROWS]
        with torch.no_grad():
            block = inputs[rows] if indices is not None else inputs[: len(rows)]
            block = block.detach().cpu().contiguous()
            head = f"{block.dtype}{tuple(block.shape[1:])}".encode()
            flat = block.reshape(len(rows), -1).numpy()
            hashes = {_digest(head + flat[i].tobytes()) for i in range(len(rows))}
            stats = _input_stats(block.reshape(len(rows), -1)) if block.is_floating_point() else {}
        hashed = len(rows)
    else:
        stats = {}
        hashed = min(n, _ITEMS)
        for i in range(hashed):
            data = _tensor_bytes(_input_of(dataset[i]))
            if data is None:
                return None
            hashes.add(_digest(data))
    return {"examples": int(n), "hashed": int(hashed), "hashes": heapq.nsmallest(size, hashes), **stats}


# Per-feature means and spreads for inputs of at most 64 features (tabular data): enough to see
# one split's features on another scale; wider inputs (images) get the whole-input mean and std.
_FEATURES = 64


def _input_stats(rows: torch.Tensor) -> dict[str, Any]:
    """`inputStats` (mean and std of every finite input value) and, for narrow inputs,
    `featureMeans` and `featureStds`, over the hashed rows: a split's inputs on another scale than
    training's (a scaler fitted and applied to one split only) shows here."""
    v = rows.double()
    finite = torch.isfinite(v)
    if not bool(finite.all()):
        v = torch.where(finite, v, torch.zeros_like(v))
    whole = {"mean": round6(float(v.mean())), "std": round6(float(v.std(correction=0)))}
    out: dict[str, Any] = {"inputStats": whole}
    if 0 < v.shape[1] <= _FEATURES and v.shape[0] >= 2:
        out["featureMeans"] = [round6(float(m)) for m in v.mean(0)]
        out["featureStds"] = [round6(float(d)) for d in v.std(0, correction=0)]
    return out


class SplitSketches:
    """The training data's sketch (taken when the run is described) and one for every other
    dataset a loader iterates (validation, test), each sent once, on the next epoch event. Splits
    are told apart by dataset, not loader: a script may build a new DataLoader every epoch."""

    def __init__(self) -> None:
        self._train: Any = None
        self._seen: set[int] = set()
        self._pending: dict[str, dict[str, Any]] = {}
        self._others = 0
        self._names: dict[int, str] = {}  # id(dataset) → its split

    def see_train(self, loader: Any) -> None:
        dataset = getattr(loader, "dataset", None)
        if dataset is None or self._train is not None:
            return
        self._train = dataset
        self._take(dataset, "train")

    def see_loader(self, loader: Any) -> None:
        """A loader began a pass: a dataset other than the training one is an evaluation split."""
        dataset = getattr(loader, "dataset", None)
        if self._train is None or dataset is None or id(dataset) in self._seen:
            return
        self._others += 1
        self._take(dataset, "val" if self._others == 1 else f"val{self._others}")

    def split_of(self, loader: Any) -> Optional[str]:
        """ "train", "val", "val2", ... for a loader's dataset, None for one not seen."""
        dataset = getattr(loader, "dataset", None)
        if dataset is None:
            return None
        if dataset is self._train:
            return "train"
        return self._names.get(id(dataset))

    def take(self) -> dict[str, Any]:
        """The sketches not sent yet, as the epoch event's extra field (empty when none)."""
        if not self._pending:
            return {}
        out, self._pending = {"sampleSketch": self._pending}, {}
        return out

    def _take(self, dataset: Any, split: str) -> None:
        self._seen.add(id(dataset))
        self._names[id(dataset)] = split
        # Odd data costs the run its sketch, never its training.
        with contextlib.suppress(Exception):
            sketch = sketch_dataset(dataset)
            if sketch is not None:
                self._pending[split] = sketch
