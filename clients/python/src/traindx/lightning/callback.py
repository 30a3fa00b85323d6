"""`traindx.lightning.TraindxCallback`: records a Lightning `Trainer.fit` as a trace."""

from __future__ import annotations

from typing import Any, Optional

try:
    import lightning.pytorch as pl
except ImportError:  # the older distribution name
    import pytorch_lightning as pl  # type: ignore[no-redef]
import torch

from ..guard import guarded
from ..pytorch.capture import capture
from ..pytorch.watcher import TorchWatcher
from ..run import Run, end_status_of
from ..run_source import RunFactory, RunSource


def _split_metrics(metrics: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """Lightning's logged metrics as the epoch event's `train` and `val` (`val_loss`, `val/acc`,
    `train_loss`, `loss`): prefixes dropped, `acc` spelled `accuracy`."""
    train: dict[str, float] = {}
    val: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            continue
        number = float(value)
        name = key
        target = train
        for prefix in ("val_", "val/", "validation_", "valid_"):
            if key.startswith(prefix):
                name, target = key[len(prefix) :], val
        for prefix in ("train_", "train/"):
            if key.startswith(prefix):
                name = key[len(prefix) :]
        name = name.removesuffix("_epoch")
        target["accuracy" if name == "acc" else name] = number
    return train, val


class TraindxCallback(pl.Callback):
    """Records a LightningModule's training through its optimizer steps, like `run.watch`: losses
    (from the backward call), learning rates, gradient norms, per-layer statistics every `every`
    steps; epochs with the metrics the module logs; the end (crashes included). A run that should
    stop (`stop_on`) stops the Trainer cleanly.

    >>> trainer = pl.Trainer(callbacks=[TraindxCallback(out="run.jsonl")])
    """

    def __init__(
        self,
        run: Optional[Run] = None,
        *,
        every: Optional[int] = None,
        run_factory: Optional[RunFactory] = None,
        **init_options: Any,
    ) -> None:
        super().__init__()
        self._source = RunSource(run, run_factory, {**init_options, "every": every or 10})
        self._every = every
        self._watcher: Optional[TorchWatcher] = None
        self._stepped = False

    @property
    def run(self) -> Optional[Run]:
        return self._source.current

    @guarded
    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        run = self._source.get()
        run.describe(framework="pytorch", tags={"lightning": pl.__version__})
        max_epochs = getattr(trainer, "max_epochs", None)
        if isinstance(max_epochs, int) and max_epochs > 0:
            run.describe(epochs=max_epochs)
        for optimizer in trainer.optimizers:
            optimizer._traindx_watched = True  # the zero-code hooks leave these to this callback
        self._watcher = TorchWatcher(
            run, pl_module, None, every=self._every or run.every, epochs_from_loaders=False
        )
        run._watchers.append(self._watcher)
        loader = getattr(trainer, "train_dataloader", None)
        if loader is not None:
            capture.last_loader = loader

    @guarded
    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        capture.last_batch = batch
        if self.run is not None:
            self.run.current_epoch = trainer.current_epoch

    @guarded
    def on_before_optimizer_step(self, trainer: Any, pl_module: Any, optimizer: Any) -> None:
        if self._watcher is not None:
            self._watcher.before_step(getattr(optimizer, "optimizer", optimizer))
            self._stepped = True

    @guarded
    def on_train_batch_end(
        self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        if self._watcher is None or not self._stepped:
            return  # gradient accumulation: no optimizer step on this batch
        self._stepped = False
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        loss = loss.detach() if isinstance(loss, torch.Tensor) else None
        optimizer = trainer.optimizers[0] if trainer.optimizers else None
        self._watcher.after_step(optimizer, loss=loss)
        if self.run is not None and self.run.should_stop:
            trainer.should_stop = True

    @guarded
    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is None:
            return
        train, val = _split_metrics(dict(trainer.callback_metrics))
        self.run.log_epoch(trainer.current_epoch, train=train or None, val=val or None)

    @guarded
    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._end(None)

    @guarded
    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._end(exception)

    def _end(self, error: Optional[BaseException]) -> None:
        run = self.run
        if run is None or run.finished or not self._source.owned:
            return
        status, reason = end_status_of(error)
        if status is None and run.should_stop:
            status, reason = "stopped", run.stop_reason
        run.finish(status, reason)
