"""`traindx run` for Keras: every `Model.fit` receives a TraindxCallback."""

from __future__ import annotations

import inspect
import weakref
from typing import TYPE_CHECKING, Any, Callable

import keras

from ..patching import has_instance, wrap_method
from ..run import Run, end_status_of
from .callback import TraindxCallback

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_fit(session: AutologSession) -> None:
    """Wraps `keras.Model.fit` (once): each call is a run, unless the script passes its own
    TraindxCallback. The arrays `fit` gets describe the data; nothing else about the call changes."""
    signature = inspect.signature(keras.Model.fit)
    # The run of each model's last fit, left open: a later fit of the same model continues it
    # (fit once per epoch in a loop, or a fine-tuning phase), so its epochs make one history.
    runs: dict[int, tuple[weakref.ref[Any], Run]] = {}

    def fit(original: Callable[..., Any], model: Any, args: tuple, kwargs: dict) -> Any:
        bound = signature.bind_partial(model, *args, **kwargs)
        given = bound.arguments
        callbacks = list(given.get("callbacks") or [])
        if has_instance(callbacks, TraindxCallback):
            return original(model, *args, **kwargs)
        known = runs.get(id(model))
        if known is not None and known[0]() is model and not known[1].finished:
            run = known[1]
        else:
            run = session.new_run("keras")
            runs[id(model)] = (weakref.ref(model), run)
        callback = TraindxCallback(
            run,
            x=given.get("x"),
            y=given.get("y"),
            validation_data=given.get("validation_data"),
            batch_size=given.get("batch_size"),
            validation_split=float(given.get("validation_split") or 0.0),
            every=session.every,
            finish=False,  # ended when the process ends (AutologSession.finish_all), or below
        )
        bound.arguments["callbacks"] = [*callbacks, callback]
        session.managed += 1
        run.idle = False
        try:
            result = original(*bound.args, **bound.kwargs)
        except BaseException as err:
            run.finish(*end_status_of(err))
            raise
        finally:
            session.managed -= 1
        run.idle = True
        if run.should_stop:  # stop_on: this training is over
            run.finish("stopped", run.stop_reason)
        return result

    wrap_method(keras.Model, "fit", fit)
