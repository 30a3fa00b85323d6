"""Trace values as the format wants them: six significant digits, non-finite as strings."""

from __future__ import annotations

import json
import math
from typing import Any

# Non-finite numbers travel as these strings (spec/trace-format.md, "Encoding").
_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def round6(value: float) -> float:
    """Six significant digits, as the TypeScript monitor writes them (float32 carries about seven).

    >>> round6(0.123456789)
    0.123457
    """
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.6g}")


def plain(value: Any) -> Any:
    """A JSON-ready copy of an event: NaN and ±Infinity as the trace's strings, tuples as lists."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return _NON_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


_ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=True).encode


def to_line(event: dict[str, Any]) -> str:
    """One JSON Lines record, compact, without a trailing newline.

    Encoded as it is first (the C encoder, no copy); only a record whose text shows a bare NaN
    or Infinity (a failing run's, or a string that merely contains the word) is encoded again
    from a copy with those numbers as the trace's strings.
    """
    line = _ENCODE(event)
    if "NaN" in line or "Infinity" in line:
        return json.dumps(plain(event), separators=(",", ":"), allow_nan=False)
    return line


def is_finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
