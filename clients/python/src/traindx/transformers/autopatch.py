"""`traindx run` for Hugging Face: every `Trainer` receives a TraindxCallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..patching import has_instance, wrap_method

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_trainer(session: AutologSession, module: Any) -> None:
    """Wraps `transformers.trainer.Trainer.__init__` (once)."""
    from .callback import TraindxCallback

    def init(original: Callable[..., Any], trainer: Any, args: tuple, kwargs: dict) -> None:
        original(trainer, *args, **kwargs)
        handler = getattr(trainer, "callback_handler", None)
        if handler is not None and not has_instance(handler.callbacks, TraindxCallback):
            trainer.add_callback(
                TraindxCallback(every=session.every, run_factory=lambda: session.new_run("pytorch"))
            )

    wrap_method(module.Trainer, "__init__", init)
