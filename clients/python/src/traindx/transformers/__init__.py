"""Hugging Face integration: `TraindxCallback` for `transformers.Trainer`."""

from .callback import TraindxCallback

__all__ = ["TraindxCallback"]
