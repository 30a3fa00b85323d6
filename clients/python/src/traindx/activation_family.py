"""Which activations have their outputs judged for dead units and for saturation."""

from __future__ import annotations

from typing import Optional


def family_of(activation: Optional[str]) -> str:
    """Dead units are judged for ReLU and ReLU6, saturation for sigmoid and tanh (as the TS
    monitor's layer plan does); everything else is `other`.

    >>> family_of("relu6")
    'relu'
    """
    if activation in ("relu", "relu6"):
        return "relu"
    if activation in ("sigmoid", "tanh"):
        return activation
    return "other"
