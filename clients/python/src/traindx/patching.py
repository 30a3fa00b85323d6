"""Wrapping a framework's method once, for `traindx run`'s integrations."""

from __future__ import annotations

import functools
from typing import Any, Callable

# What runs in place of a method: (the original, self, args, kwargs) -> its result.
Around = Callable[[Callable[..., Any], Any, tuple, dict], Any]


def wrap_method(owner: Any, name: str, around: Around) -> None:
    """Replaces `owner.name` with `around(original, self, args, kwargs)`. A method already wrapped
    is left alone, so autolog installed twice (or a framework imported under two names that
    share a class) records each run once.

    >>> wrap_method(Trainer, "__init__", lambda original, self, a, k: original(self, *a, **k))
    """
    original = getattr(owner, name)
    if getattr(original, "_traindx", False):
        return

    @functools.wraps(original)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        return around(original, self, args, kwargs)

    wrapped._traindx = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapped)


def has_instance(items: Any, kind: type) -> bool:
    """Whether a callback list (or a single callback, or None) already holds a `kind`."""
    if items is None:
        return False
    return any(isinstance(c, kind) for c in (items if isinstance(items, (list, tuple)) else [items]))
