"""The loss of a PyTorch run, read from the autograd graph of the tensor `backward` was called on."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, Optional

# Autograd node of each loss function → the loss class, the trace's loss name, whether it takes
# logits. CrossEntropyLoss runs log_softmax then nll_loss, so an NllLoss node over a
# LogSoftmax node is cross-entropy unless the model's own last layer is the LogSoftmax.
_NODES: dict[str, tuple[str, str, Optional[bool]]] = {
    "MseLossBackward0": ("MSELoss", "mean_squared_error", None),
    "L1LossBackward0": ("L1Loss", "mean_absolute_error", None),
    "SmoothL1LossBackward0": ("SmoothL1Loss", "huber", None),
    "HuberLossBackward0": ("HuberLoss", "huber", None),
    "BinaryCrossEntropyBackward0": ("BCELoss", "binary_crossentropy", False),
    "BinaryCrossEntropyWithLogitsBackward0": ("BCEWithLogitsLoss", "binary_crossentropy", True),
    "NllLossBackward0": ("NLLLoss", "nll", False),
    "NllLoss2DBackward0": ("NLLLoss", "nll", False),
    "KlDivBackward0": ("KLDivLoss", "kl_divergence", None),
}

_LOSS_NAMES = {cls: (name, logits) for cls, name, logits in _NODES.values()}
_LOSS_NAMES["CrossEntropyLoss"] = ("categorical_crossentropy", True)

# How far below the loss tensor to look (a loss plus a regulariser, a mean over a weighted sum).
_MAX_DEPTH = 6


def loss_class_of(grad_fn: Any, model_ends_in_log_softmax: bool = False) -> Optional[str]:
    """The torch.nn loss class whose graph produced a loss, from the loss's `grad_fn`; None when
    it is not recognisable.

    >>> loss_class_of(torch.nn.functional.cross_entropy(logits, y).grad_fn)
    'CrossEntropyLoss'
    """
    for node in autograd_nodes(grad_fn, _MAX_DEPTH):
        kind = type(node).__name__
        if kind in _NODES:
            cls = _NODES[kind][0]
            if cls == "NLLLoss" and not model_ends_in_log_softmax:
                below = [type(n).__name__ for n, _ in node.next_functions if n is not None]
                if "LogSoftmaxBackward0" in below:
                    return "CrossEntropyLoss"
            return cls
    return None


def autograd_nodes(grad_fn: Any, depth: int) -> Iterator[Any]:
    """The autograd nodes from `grad_fn` down to `depth` steps below it, nearest first, each once:
    where a loss's graph shows its loss function, a compiled graph, or the value it was made of."""
    frontier = deque([(grad_fn, 0)])
    seen: set[int] = set()
    while frontier:
        node, d = frontier.popleft()
        if node is None or id(node) in seen or d > depth:
            continue
        seen.add(id(node))
        yield node
        frontier.extend((n, d + 1) for n, _ in getattr(node, "next_functions", ()) if n is not None)


def describe_loss(loss_class: Optional[str]) -> dict[str, Any]:
    """Run-event fields for a loss class: `loss` as the trace names it, `fromLogits`, and the class
    in `tags.lossFn` (the detectors read PyTorch's loss classes from there)."""
    if not loss_class:
        return {}
    name, logits = _LOSS_NAMES.get(loss_class, (loss_class, None))
    fields: dict[str, Any] = {"loss": name, "tags": {"lossFn": f"torch.nn.{loss_class}"}}
    if logits is not None:
        fields["fromLogits"] = logits
    return fields


def task_of(loss_class: Optional[str], output_units: Optional[int], one_hot_labels: bool) -> Optional[str]:
    """The task a loss implies; one-hot labels are classes whatever the loss (a classifier trained
    with MSE is described as the classifier it is, so the loss is what looks wrong)."""
    if loss_class in ("CrossEntropyLoss", "NLLLoss") or one_hot_labels:
        return "classification"
    if loss_class in ("BCELoss", "BCEWithLogitsLoss"):
        return "binary-classification" if (output_units or 1) == 1 else "other"
    if loss_class in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"):
        return "regression"
    return None
