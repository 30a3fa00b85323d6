"""traindx must never end the training it records: an error inside one of its framework hooks
stops the recording of that run (with one report on stderr), and the training goes on."""

from __future__ import annotations

import functools
import sys
import traceback
from typing import Any, Callable, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])


def guarded(method: Method) -> Method:
    """A hook method of a watcher or callback: after the first error inside it (or any other
    guarded method of the same object) every guarded method of that object does nothing, and
    the object's `stop_recording(error)`, if it has one, removes what it attached."""

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_traindx_failed"):
            return None
        try:
            return method(self, *args, **kwargs)
        except Exception as err:
            give_up(self, err)
            return None

    return call  # type: ignore[return-value]


def give_up(owner: Any, err: BaseException) -> None:
    """Marks `owner` as failed, reports the error once with its traceback, and lets it remove its
    hooks. Nothing here may raise: the caller is inside the user's training step."""
    owner.__dict__["_traindx_failed"] = True
    try:
        run = getattr(owner, "run", None)
        name = getattr(run, "name", None) or type(owner).__name__
        report(f"stopped recording run {name!r}", err)
        stop = getattr(owner, "stop_recording", None)
        if stop is not None:
            stop(err)
    except Exception:  # a failing report must not fail the step either
        pass


def report(what: str, err: BaseException) -> None:
    """One report on stderr of an error inside traindx that it recovered from."""
    print(
        f"traindx: {what} after an error inside traindx; the training goes on. "
        "Please report this with the traceback below.",
        file=sys.stderr,
    )
    traceback.print_exception(type(err), err, err.__traceback__, limit=8, file=sys.stderr)
