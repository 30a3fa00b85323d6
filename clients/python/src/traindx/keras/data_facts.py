"""The dataset part of a Keras run event, from the arrays `fit` was given (numpy, on the host)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..encode import round6


def as_array(data: Any) -> Optional[np.ndarray]:
    """An array of `fit`'s x or y when it is one (numpy, a tensor, a list of numbers); else None
    (datasets and generators are not read ahead: that would consume them)."""
    if data is None or isinstance(data, (dict, str)):
        return None
    if (
        isinstance(data, (list, tuple))
        and data
        and not isinstance(data[0], (int, float, list, tuple, np.number))
    ):
        return None  # several inputs: not one array
    try:
        array = np.asarray(data)
    except Exception:
        return None
    return array if array.dtype != object and array.ndim >= 1 else None


# tf.data steps that pass the source's values through unchanged: they reorder, batch, repeat or
# buffer them. Any other step (a `map`, `filter`, `take`) ends the walk: its values are not the
# source's.
_PASSING = frozenset(
    {
        "_BatchDataset",
        "_ShuffleDataset",
        "_RepeatDataset",
        "_PrefetchDataset",
        "CacheDataset",
        "_CacheDataset",
        "_OptionsDataset",
    }
)


def dataset_arrays(data: Any) -> tuple[Optional[np.ndarray], Optional[np.ndarray], Optional[int]]:
    """x, y and the batch size of a `tf.data` pipeline built on `from_tensor_slices((x, y))`,
    read from the tensors it was made of, never by iterating it: a new iterator draws from its
    shuffle's seed generator and would change the order the training sees. (None, None, None)
    for anything else (a `map` in the pipeline, a generator, dict inputs)."""
    nothing: tuple[Optional[np.ndarray], Optional[np.ndarray], Optional[int]] = (None, None, None)
    batch_size: Optional[int] = None
    node, hops = data, 0
    while node is not None and type(node).__name__ in _PASSING and hops < 32:
        if type(node).__name__ == "_BatchDataset" and batch_size is None:
            try:
                batch_size = int(node._batch_size)
            except (AttributeError, TypeError, ValueError):
                return nothing
        node, hops = getattr(node, "_input_dataset", None), hops + 1
    if node is None or type(node).__name__ != "_TensorSliceDataset":
        return nothing
    tensors = getattr(node, "_tensors", None)
    structure = getattr(node, "_structure", None)
    if not isinstance(tensors, list) or not isinstance(structure, tuple) or len(tensors) != len(structure):
        return nothing  # one tensor (x alone) or a nested structure (dict inputs)
    if len(tensors) not in (2, 3):  # (x, y) or (x, y, sample weights)
        return nothing
    x, y = as_array(tensors[0]), as_array(tensors[1])
    return (x, y, batch_size) if x is not None else nothing


def one_hot(y: np.ndarray) -> bool:
    return bool(y.ndim == 2 and y.shape[1] >= 2 and np.isin(y, (0, 1)).all() and (y.sum(-1) == 1).all())


def class_indices(y: np.ndarray) -> Optional[np.ndarray]:
    if one_hot(y):
        return y.argmax(-1)
    flat = y.reshape(-1) if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1) else None
    if flat is None:
        return None
    if np.issubdtype(flat.dtype, np.integer) or (
        flat.size and np.all(np.mod(flat, 1) == 0) and flat.min() >= 0
    ):
        return flat.astype(np.int64)
    return None


def value_stats(values: np.ndarray) -> dict[str, float]:
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    finite = flat[np.isfinite(flat)]
    if finite.size == 0:
        return {"nanCount": int(flat.size)}
    return {
        "mean": round6(float(finite.mean())),
        "std": round6(float(finite.std())),
        "min": round6(float(finite.min())),
        "max": round6(float(finite.max())),
        "nanCount": int(flat.size - finite.size),
    }


def describe_data(
    x: Optional[np.ndarray],
    y: Optional[np.ndarray],
    *,
    task: Optional[str],
    num_classes: Optional[int],
    val_size: Optional[int] = None,
    batch_only: bool = False,
) -> dict[str, Any]:
    """`batch_only`: x and y are one batch (train_on_batch's first), not the training set, so
    they give no `trainSize`."""
    info: dict[str, Any] = {}
    if x is not None:
        if not batch_only:
            info["trainSize"] = int(x.shape[0])
        info["inputShape"] = list(x.shape[1:])
        info["inputStats"] = value_stats(x)
    if val_size:
        info["valSize"] = int(val_size)
    if y is None:
        return info
    classes = class_indices(y) if task and "classification" in task else None
    if classes is not None and classes.size:
        k = max(num_classes or 0, int(classes.max()) + 1)
        info["numClasses"] = k
        info["classCounts"] = np.bincount(classes, minlength=k).tolist()
        if batch_only:
            info["classCountsSampled"] = True  # one batch's labels (trace-format-extensions.md)
    elif np.issubdtype(y.dtype, np.number):
        stats = value_stats(y)
        stats.pop("nanCount", None)
        info["labelStats"] = stats
    return info
