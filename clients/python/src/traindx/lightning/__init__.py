"""Lightning integration: `TraindxCallback` for `Trainer(callbacks=[...])`."""

from .callback import TraindxCallback

__all__ = ["TraindxCallback"]
