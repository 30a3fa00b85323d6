"""`traindx run` for Lightning: every `Trainer` receives a TraindxCallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..patching import has_instance, wrap_method

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_trainer(session: AutologSession, module: Any) -> None:
    """Wraps `Trainer.__init__` of `lightning.pytorch` or `pytorch_lightning` (once each)."""
    from .callback import TraindxCallback

    def init(original: Callable[..., Any], trainer: Any, args: tuple, kwargs: dict) -> None:
        given = kwargs.get("callbacks")
        callbacks = list(given) if isinstance(given, (list, tuple)) else ([] if given is None else [given])
        if not has_instance(callbacks, TraindxCallback):
            callbacks.append(
                TraindxCallback(every=session.every, run_factory=lambda: session.new_run("pytorch"))
            )
        original(trainer, *args, **{**kwargs, "callbacks": callbacks})

    wrap_method(module.Trainer, "__init__", init)
