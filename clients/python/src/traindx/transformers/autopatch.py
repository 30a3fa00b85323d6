"""`traindx run` for Hugging Face: every `Trainer` receives a TraindxCallback."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_trainer(session: AutologSession, module: Any) -> None:
    """Wraps `transformers.trainer.Trainer.__init__` (once)."""
    from .callback import TraindxCallback

    trainer_class = module.Trainer
    original = trainer_class.__init__
    if getattr(original, "_traindx", False):
        return

    @functools.wraps(original)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        handler = getattr(self, "callback_handler", None)
        if handler is not None and not any(isinstance(c, TraindxCallback) for c in handler.callbacks):
            self.add_callback(
                TraindxCallback(every=session.every, run_factory=lambda: session.new_run("pytorch"))
            )

    init._traindx = True  # type: ignore[attr-defined]
    trainer_class.__init__ = init
