"""`traindx run` for Keras: every `Model.fit` receives a TraindxCallback."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable

import keras

from ..patching import has_instance, wrap_method
from .callback import TraindxCallback

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_fit(session: AutologSession) -> None:
    """Wraps `keras.Model.fit` (once): each call is a run, unless the script passes its own
    TraindxCallback. The arrays `fit` gets describe the data; nothing else about the call changes."""
    signature = inspect.signature(keras.Model.fit)

    def fit(original: Callable[..., Any], model: Any, args: tuple, kwargs: dict) -> Any:
        bound = signature.bind_partial(model, *args, **kwargs)
        given = bound.arguments
        callbacks = list(given.get("callbacks") or [])
        if has_instance(callbacks, TraindxCallback):
            return original(model, *args, **kwargs)
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

    wrap_method(keras.Model, "fit", fit)
