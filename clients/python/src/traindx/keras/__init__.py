"""Keras 3 integration: `TraindxCallback` for `model.fit`."""

from .callback import TraindxCallback

__all__ = ["TraindxCallback"]
