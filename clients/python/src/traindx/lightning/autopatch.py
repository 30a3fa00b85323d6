"""`traindx run` for Lightning: every `Trainer` receives a TraindxCallback."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..autolog import AutologSession


def patch_trainer(session: AutologSession, module: Any) -> None:
    """Wraps `Trainer.__init__` of `lightning.pytorch` or `pytorch_lightning` (once each)."""
    from .callback import TraindxCallback

    trainer_class = module.Trainer
    original = trainer_class.__init__
    if getattr(original, "_traindx", False):
        return

    @functools.wraps(original)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        callbacks = kwargs.get("callbacks")
        callbacks = (
            [callbacks]
            if callbacks is not None and not isinstance(callbacks, list)
            else list(callbacks or [])
        )
        if not any(isinstance(c, TraindxCallback) for c in callbacks):
            callbacks.append(
                TraindxCallback(every=session.every, run_factory=lambda: session.new_run("pytorch"))
            )
        kwargs["callbacks"] = callbacks
        original(self, *args, **kwargs)

    init._traindx = True  # type: ignore[attr-defined]
    trainer_class.__init__ = init
