"""Confusion matrix and per-class and macro precision, recall and F1 for the trace's eval event."""

from __future__ import annotations

from typing import Any, Optional

from .encode import round6


def as_labels(values: Any) -> list[int]:
    """Class indices from a list, numpy array or tensor: scores of shape [n, k] become their argmax."""
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    if hasattr(values, "tolist"):
        values = values.tolist()
    labels: list[int] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            labels.append(max(range(len(v)), key=lambda j, row=v: row[j]) if len(v) > 1 else int(v[0] > 0.5))
        else:
            labels.append(int(v))
    return labels


def _macro(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def classification_report(y_true: Any, y_pred: Any, num_classes: Optional[int] = None) -> dict[str, Any]:
    """The eval event's body: `metrics` (accuracy, macro precision/recall/F1), `confusion`
    (rows true, columns predicted), `predictedClassCounts` and `perClass`.

    A class never predicted has precision 0, one never present recall 0 (scikit-learn's
    `zero_division=0`), so the macro averages match `sklearn.metrics.precision_recall_fscore_support`.

    >>> classification_report([0, 1, 1], [0, 1, 0])["metrics"]["accuracy"]
    0.666667
    """
    truth, pred = as_labels(y_true), as_labels(y_pred)
    if len(truth) != len(pred):
        raise ValueError(f"y_true has {len(truth)} labels but y_pred has {len(pred)}")
    k = num_classes or (max([*truth, *pred], default=-1) + 1)
    confusion = [[0] * k for _ in range(k)]
    for t, p in zip(truth, pred):
        confusion[t][p] += 1
    predicted = [sum(confusion[r][c] for r in range(k)) for c in range(k)]
    actual = [sum(row) for row in confusion]
    precision = [confusion[c][c] / predicted[c] if predicted[c] else 0.0 for c in range(k)]
    recall = [confusion[c][c] / actual[c] if actual[c] else 0.0 for c in range(k)]
    f1 = [2 * p * r / (p + r) if p + r else 0.0 for p, r in zip(precision, recall)]
    n = len(truth)
    return {
        "metrics": {
            "accuracy": round6(sum(confusion[c][c] for c in range(k)) / n if n else 0.0),
            "precision": round6(_macro(precision)),
            "recall": round6(_macro(recall)),
            "f1": round6(_macro(f1)),
        },
        "confusion": confusion,
        "predictedClassCounts": predicted,
        "perClass": {
            "precision": [round6(x) for x in precision],
            "recall": [round6(x) for x in recall],
            "f1": [round6(x) for x in f1],
        },
    }
