"""PyTorch integration: `run.watch(model, optimizer)`, and the hooks `traindx run` installs."""

from .watcher import TorchWatcher

__all__ = ["TorchWatcher"]
