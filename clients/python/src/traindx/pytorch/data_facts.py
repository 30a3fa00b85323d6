"""The dataset part of the run event, from the first training batch (and the loader, if known)."""

from __future__ import annotations

import contextlib
from typing import Any, Optional

import torch

from ..encode import round6

_INPUT_KEYS = ("input_ids", "pixel_values", "inputs", "input", "x", "features")
_LABEL_KEYS = ("labels", "label", "targets", "target", "y")


def split_batch(batch: Any) -> tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """Inputs and labels of a batch as loaders give them: `(x, y)`, `[x, y]`, `{"input_ids", "labels"}`."""
    if isinstance(batch, torch.Tensor):
        return batch, None
    if isinstance(batch, (list, tuple)) and batch:
        x = batch[0] if isinstance(batch[0], torch.Tensor) else None
        y = batch[1] if len(batch) > 1 and isinstance(batch[1], torch.Tensor) else None
        return x, y
    if isinstance(batch, dict):
        x = next((batch[k] for k in _INPUT_KEYS if isinstance(batch.get(k), torch.Tensor)), None)
        y = next((batch[k] for k in _LABEL_KEYS if isinstance(batch.get(k), torch.Tensor)), None)
        return x, y
    return None, None


def one_hot(y: torch.Tensor) -> bool:
    """Rows of 0/1 with exactly one 1 (k ≥ 2 columns): labels given as one-hot classes."""
    if y.dim() != 2 or y.shape[1] < 2 or y.is_complex():
        return False
    with torch.no_grad():
        v = y.detach().float()
        return bool((((v == 0) | (v == 1)).all() & (v.sum(-1) == 1).all()).item())


def class_indices(y: torch.Tensor) -> Optional[torch.Tensor]:
    """Integer class labels ([n] or [n, 1]), or the argmax of one-hot rows; None for other labels."""
    if not y.dtype.is_floating_point and y.dtype != torch.bool:
        return y.reshape(-1).long() if y.dim() <= 1 or (y.dim() == 2 and y.shape[1] == 1) else None
    if one_hot(y):
        return y.argmax(-1)
    return None


def _value_stats(t: torch.Tensor) -> torch.Tensor:
    """[finite count, sum, centred sum of squares, min, max] over the finite values (as data-facts.ts)."""
    flat = t.detach().reshape(-1).double()
    finite = torch.isfinite(flat)
    n = finite.sum().double()
    zero = torch.zeros_like(flat)
    total = torch.where(finite, flat, zero).sum()
    mean = total / n.clamp(min=1)
    m2 = torch.where(finite, (flat - mean) ** 2, zero).sum()
    low = torch.where(finite, flat, torch.full_like(flat, float("inf"))).min()
    high = torch.where(finite, flat, torch.full_like(flat, float("-inf"))).max()
    return torch.stack([n, total, m2, low, high])


def _read_stats(v: list[float], size: int) -> dict[str, float]:
    n = v[0]
    if n == 0:
        return {"nanCount": size}
    return {
        "mean": round6(v[1] / n),
        "std": round6((v[2] / n) ** 0.5),
        "min": round6(v[3]),
        "max": round6(v[4]),
        "nanCount": int(size - n),
    }


def describe_data(
    x: Optional[torch.Tensor],
    y: Optional[torch.Tensor],
    *,
    num_classes: Optional[int] = None,
    all_labels: Optional[torch.Tensor] = None,
    all_inputs: Optional[torch.Tensor] = None,
    train_size: Optional[int] = None,
) -> dict[str, Any]:
    """Input statistics of the first batch, or of `all_inputs` when the whole training set is at
    hand (over finite values, NaN/Inf counted beside them),
    class counts (over `all_labels` when the whole label set is at hand, else the batch's, marked
    `classCountsSampled`: a few dozen labels of ten classes leave some class out by chance) or label
    statistics for regression, and sizes. One host transfer."""
    info: dict[str, Any] = {}
    if train_size is not None:
        info["trainSize"] = int(train_size)
    if x is not None and x.numel() > 0:
        info["inputShape"] = list(x.shape[1:])
        if not x.is_floating_point():
            # Token ids and other indices are names, not magnitudes: their mean and spread say
            # nothing about input scaling, so they get no inputStats.
            info["inputDtype"] = str(x.dtype).removeprefix("torch.")
            x = None
    if x is not None and all_inputs is not None and all_inputs.shape[1:] == x.shape[1:]:
        x = all_inputs
    with torch.no_grad():
        parts: list[torch.Tensor] = []
        if x is not None and x.numel() > 0:
            parts.append(_value_stats(x).cpu())
        labels = all_labels if all_labels is not None else y
        classes = class_indices(labels) if labels is not None else None
        k = num_classes
        if classes is not None and classes.numel() > 0:
            k = max(k or 0, int(classes.max().item()) + 1)
            parts.append(torch.bincount(classes.cpu(), minlength=k).double())
        elif y is not None and y.numel() > 0 and y.dtype.is_floating_point:
            parts.append(_value_stats(y).cpu())
        values = torch.cat(parts).tolist() if parts else []
    at = 0
    if x is not None and x.numel() > 0:
        info["inputStats"] = _read_stats(values[:5], x.numel())
        at = 5
    if classes is not None and classes.numel() > 0 and k:
        info["numClasses"] = k
        info["classCounts"] = [int(c) for c in values[at : at + k]]
        if all_labels is None:
            info["classCountsSampled"] = True  # one batch's labels (trace-format-extensions.md)
    elif y is not None and y.numel() > 0 and y.dtype.is_floating_point and len(values) >= at + 5:
        stats = _read_stats(values[at : at + 5], y.numel())
        stats.pop("nanCount", None)
        info["labelStats"] = stats
    return info


# 4M values (32 MB as doubles, a few ms) at the most: past that the first batch speaks for the set.
_WHOLE_INPUTS = 1 << 22


def loader_facts(loader: Any) -> dict[str, Any]:
    """Batch size, training-set size and, when the data set holds them, the whole label tensor
    and (up to `_WHOLE_INPUTS` values) the whole input tensor (`train_inputs`; `all_inputs` too
    when it is floating-point, for its statistics): a NaN in one row of a thousand is
    rarely in the first batch, and one pass over a small data set at the run's start costs
    nothing. Held means a TensorDataset, a Subset of one (`random_split`), or torchvision's
    convention of a `targets` list or tensor of class indices (MNIST, CIFAR, ImageFolder), for
    the labels alone."""
    facts: dict[str, Any] = {}
    batch_size = getattr(loader, "batch_size", None)
    if isinstance(batch_size, int):
        facts["batch_size"] = batch_size
    dataset = getattr(loader, "dataset", None)
    with contextlib.suppress(TypeError):
        facts["train_size"] = len(dataset)  # type: ignore[arg-type]
    with contextlib.suppress(Exception):  # an odd data set costs the run these facts only
        inputs, labels = _whole_set(dataset)
        if labels is not None:
            facts["all_labels"] = labels
        if inputs is not None and inputs.numel() <= _WHOLE_INPUTS:
            facts["train_inputs"] = inputs  # (training_rows.py)
            if inputs.is_floating_point():
                facts["all_inputs"] = inputs
    return facts


def _whole_set(dataset: Any) -> tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """(inputs, labels) of every example of `dataset`, as far as it holds them as tensors."""
    indices: Optional[torch.Tensor] = None
    while hasattr(dataset, "indices") and hasattr(dataset, "dataset"):  # Subsets, innermost last
        inner = torch.as_tensor(list(dataset.indices), dtype=torch.long)
        indices = inner if indices is None else inner[indices]
        dataset = dataset.dataset

    def pick(t: torch.Tensor) -> torch.Tensor:
        return t if indices is None else t[indices.to(t.device)]

    tensors = getattr(dataset, "tensors", None)
    if isinstance(tensors, tuple) and len(tensors) >= 2 and isinstance(tensors[1], torch.Tensor):
        inputs = tensors[0]
        rows = len(indices) if indices is not None else len(inputs)
        small = isinstance(inputs, torch.Tensor) and rows * inputs[0].numel() <= _WHOLE_INPUTS
        return (pick(inputs) if small else None), pick(tensors[1])
    targets = getattr(dataset, "targets", None)
    if isinstance(targets, (list, torch.Tensor)) and len(targets) == len(dataset):
        labels = torch.as_tensor(targets)
        if labels.dim() == 1 and not labels.is_floating_point() and labels.dtype != torch.bool:
            return None, pick(labels)
    return None, None
