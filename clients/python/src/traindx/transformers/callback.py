"""`traindx.transformers.TraindxCallback`: records a Hugging Face `Trainer.train` as a trace."""

from __future__ import annotations

from typing import Any, Optional

import transformers
from transformers import TrainerCallback

from ..guard import guarded
from ..pytorch.capture import capture
from ..pytorch.watcher import TorchWatcher
from ..run import Run
from ..run_source import RunFactory, RunSource


def _inner(optimizer: Any) -> Any:
    """The torch optimizer under accelerate's wrapper."""
    return getattr(optimizer, "optimizer", optimizer)


class TraindxCallback(TrainerCallback):
    """Records a Trainer's run through its optimizer steps, like `run.watch`: the loss the model
    computed (from the backward call), learning rate, gradient norm, per-layer statistics every
    `every` steps; epochs with the evaluation metrics that follow them; the end. A run that
    should stop (`stop_on`) ends training through `control.should_training_stop`.

    >>> trainer = Trainer(model, args, train_dataset=ds, callbacks=[TraindxCallback(out="run.jsonl")])
    """

    def __init__(
        self,
        run: Optional[Run] = None,
        *,
        every: Optional[int] = None,
        run_factory: Optional[RunFactory] = None,
        **init_options: Any,
    ) -> None:
        self._source = RunSource(run, run_factory, {**init_options, "every": every or 10})
        self._every = every
        self._watcher: Optional[TorchWatcher] = None
        self._pending_epoch: Optional[int] = None

    @property
    def run(self) -> Optional[Run]:
        return self._source.current

    @guarded
    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        run = self._source.get()
        model, optimizer = kwargs.get("model"), kwargs.get("optimizer")
        run.describe(framework="pytorch", tags={"transformers": transformers.__version__})
        run.describe(batchSize=int(args.per_device_train_batch_size))
        if args.max_steps is None or args.max_steps <= 0:
            run.describe(epochs=int(args.num_train_epochs))
        if optimizer is not None:
            optimizer._traindx_watched = True
            _inner(optimizer)._traindx_watched = True  # the zero-code hooks leave it to this callback
        if kwargs.get("train_dataloader") is not None:
            capture.last_loader = kwargs["train_dataloader"]
        self._watcher = TorchWatcher(
            run, model, None, every=self._every or run.every, epochs_from_loaders=False
        )
        run._watchers.append(self._watcher)
        run.current_epoch = 0

    @guarded
    def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._watcher is not None:
            self._watcher.before_step(_inner(kwargs.get("optimizer")))

    @guarded
    def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._watcher is not None:
            self._watcher.after_step(_inner(kwargs.get("optimizer")))

    @guarded
    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run is not None and self.run.should_stop:
            control.should_training_stop = True

    @guarded
    def on_epoch_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._write_pending_epoch()
        if self.run is not None:
            self.run.current_epoch = int(state.epoch or 0)

    @guarded
    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        # The evaluation of this epoch, if any, comes right after: the epoch event waits for it.
        self._pending_epoch = max(0, round(state.epoch or 0) - 1)

    @guarded
    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Any = None, **kwargs: Any) -> None:
        if self.run is None or self._pending_epoch is None:
            return
        val = {k.removeprefix("eval_"): v for k, v in (metrics or {}).items() if isinstance(v, (int, float))}
        val = {
            k: v
            for k, v in val.items()
            if k not in ("runtime", "samples_per_second", "steps_per_second", "epoch")
        }
        self.run.log_epoch(self._pending_epoch, val=val or None)
        self._pending_epoch = None

    @guarded
    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._write_pending_epoch()
        run = self.run
        if run is not None and self._source.owned and not run.finished:
            run.finish("stopped" if run.should_stop else None, run.stop_reason)

    def _write_pending_epoch(self) -> None:
        if self.run is not None and self._pending_epoch is not None:
            self.run.log_epoch(self._pending_epoch)
            self._pending_epoch = None
