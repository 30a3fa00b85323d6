"""`traindx run` for Keras: every `Model.fit` receives a TraindxCallback."""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

import keras

from .callback import TraindxCallback

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_fit(session: AutologSession) -> None:
    """Wraps `keras.Model.fit` (once): each call is a run, unless the script passes its own
    TraindxCallback. The arrays `fit` gets describe the data; nothing else about the call changes."""
    original = keras.Model.fit
    if getattr(original, "_traindx", False):
        return
    signature = inspect.signature(original)

    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind_partial(self, *args, **kwargs)
        given = bound.arguments
        callbacks = list(given.get("callbacks") or [])
        if any(isinstance(c, TraindxCallback) for c in callbacks):
            return original(self, *args, **kwargs)
        run = session.new_run("keras")
        callback = TraindxCallback(
            run,
            x=given.get("x"),
            y=given.get("y"),
            validation_data=given.get("validation_data"),
            batch_size=given.get("batch_size"),
            validation_split=float(given.get("validation_split") or 0.0),
            every=session.every,
            finish=True,
        )
        bound.arguments["callbacks"] = [*callbacks, callback]
        session.managed += 1
        try:
            return original(*bound.args, **bound.kwargs)
        except BaseException as err:
            callback.crashed(err)
            raise
        finally:
            session.managed -= 1

    fit._traindx = True  # type: ignore[attr-defined]
    keras.Model.fit = fit  # type: ignore[method-assign]
