"""`traindx run` for Keras: every `Model.fit` receives a TraindxCallback."""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

import keras

from ..patching import has_instance, wrap_method
from ..planned_epochs import epochs_of_fit_loop, planned_epochs
from ..run import Run, end_status_of
from .callback import TraindxCallback

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_fit(session: AutologSession) -> None:
    """Wraps `keras.Model.fit` and `train_on_batch` (once): a model's first call starts its run,
    unless the script passes its own TraindxCallback. The arrays they get describe the data;
    nothing else about the call changes."""
    signature = inspect.signature(keras.Model.fit)
    # The run of each model's last fit, left open: a later fit of the same model continues it
    # (fit once per epoch in a loop, or a fine-tuning phase), so its epochs make one history.
    runs: dict[int, tuple[weakref.ref[Any], Run]] = {}

    def run_of(model: Any) -> Run:
        known = runs.get(id(model))
        if known is not None and known[0]() is model and not known[1].finished:
            return known[1]
        run = session.new_run("keras")
        runs[id(model)] = (weakref.ref(model), run)
        return run

    @contextlib.contextmanager
    def training(run: Run) -> Iterator[None]:
        """A fit or train_on_batch call of `run`'s model: traindx's torch hooks stand aside, an
        exception out of it ends the run as it ended, and after it the run is idle (an error
        from the script then is not its training's)."""
        session.managed += 1
        run.idle = False
        try:
            yield
        except BaseException as err:
            run.finish(*end_status_of(err))
            raise
        finally:
            session.managed -= 1
        run.idle = True

    def fit(original: Callable[..., Any], model: Any, args: tuple, kwargs: dict) -> Any:
        bound = signature.bind_partial(model, *args, **kwargs)
        given = bound.arguments
        callbacks = list(given.get("callbacks") or [])
        if has_instance(callbacks, TraindxCallback):
            return original(model, *args, **kwargs)
        run = run_of(model)
        if not run.started and given.get("epochs", 1) == 1:
            # `for epoch in range(n): model.fit(x, y, epochs=1)`: the loop's epochs make the run's.
            run.describe(epochs=epochs_of_fit_loop(model=model))
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
        with training(run):
            result = original(*bound.args, **bound.kwargs)
        if run.should_stop:  # stop_on: this training is over
            run.finish("stopped", run.stop_reason)
        return result

    wrap_method(keras.Model, "fit", fit)

    # train_on_batch loops (a GAN's, a hand-made schedule's): each call is a step of the model's
    # run, recorded by a TraindxCallback that the wrapper drives as fit would drive it.
    batch_signature = inspect.signature(keras.Model.train_on_batch)
    drivers: dict[int, tuple[weakref.ref[Any], TraindxCallback]] = {}

    def train_on_batch(original: Callable[..., Any], model: Any, args: tuple, kwargs: dict) -> Any:
        if session.managed:  # inside a fit traindx records already
            return original(model, *args, **kwargs)
        run = run_of(model)
        known = drivers.get(id(model))
        callback = known[1] if known is not None and known[0]() is model and known[1].run is run else None
        if callback is None:
            given = batch_signature.bind_partial(model, *args, **kwargs).arguments
            x = given.get("x")
            callback = TraindxCallback(
                run,
                x=x,
                y=given.get("y"),
                batch_size=len(x) if hasattr(x, "__len__") else None,
                every=session.every,
                finish=False,
            )
            callback.batch_only = True
            # The script's own loop around its batches: `for epoch in range(n)` (planned_epochs.py).
            run.describe(epochs=planned_epochs())
            callback.set_model(model)
            drivers[id(model)] = (weakref.ref(model), callback)
            callback.on_train_begin()
        step = run.last_step + 1
        with training(run):
            callback.on_train_batch_begin(step)
            result = original(model, *args, **kwargs)
            callback.on_train_batch_end(step, _logs_of(model, result))
        return result

    wrap_method(keras.Model, "train_on_batch", train_on_batch)
    # Loops of the script's own: tf.GradientTape and optimizer.apply_gradients (gradient_tape.py).
    if keras.backend.backend() == "tensorflow":
        from .gradient_tape import patch_tape_loops

        patch_tape_loops(session)


def _logs_of(model: Any, result: Any) -> dict[str, Any]:
    """train_on_batch's result as fit's logs: a dict as it is; a list named by the model's loss
    and compiled metrics (only the loss when the names do not line up); a number is the loss."""
    if isinstance(result, dict):
        return dict(result)
    values = list(result) if isinstance(result, (list, tuple)) else [result]
    names = ["loss"]
    for metric in list(getattr(model, "metrics", []) or [])[1:]:
        inner = getattr(metric, "metrics", None)
        names += [m.name for m in inner] if isinstance(inner, list) else [metric.name]
    return dict(zip(names, values)) if len(names) == len(values) else {"loss": values[0]}
