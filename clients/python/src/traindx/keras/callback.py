"""`traindx.keras.TraindxCallback`: records a Keras 3 `fit` as a trace."""

from __future__ import annotations

import time
from typing import Any, Optional

import keras
import numpy as np

from ..encode import round6
from ..guard import guarded
from ..run import Run
from . import first_batches
from .data_facts import as_array, class_indices, dataset_arrays, describe_data, one_hot
from .layer_stats import KerasLayerStats
from .model_facts import (
    describe_loss,
    describe_model,
    describe_optimizer,
    learning_rate_of,
    output_units,
    task_of,
)

# The held-out evaluation at the end of fit predicts at most this many validation examples:
# enough for a confusion matrix, bounded in time for large validation sets.
_EVAL_LIMIT = 10_000


class TraindxCallback(keras.callbacks.Callback):
    """Records `model.fit`: the run event (layers, optimizer, loss, task, data facts when `x`/`y`
    are given), a step per batch with its loss, metrics and learning rate, per-layer statistics
    every `every` batches, epochs with training and validation metrics, an eval event on the
    validation data (confusion matrix) for classifiers, and the end event.

    >>> model.fit(x, y, callbacks=[TraindxCallback(out="run.jsonl", x=x, y=y)])
    """

    def __init__(
        self,
        run: Optional[Run] = None,
        *,
        out: Optional[str] = None,
        url: Optional[str] = None,
        name: Optional[str] = None,
        every: Optional[int] = None,
        x: Any = None,
        y: Any = None,
        validation_data: Any = None,
        batch_size: Optional[int] = None,
        validation_split: float = 0.0,
        finish: Optional[bool] = None,
        **init_options: Any,
    ) -> None:
        super().__init__()
        if run is None:
            from .. import init

            run = init(out=out, url=url, name=name, every=every or 10, **init_options)
            finish = True if finish is None else finish
        self.run = run
        self.every = every or run.every
        self.finish_run = bool(finish)
        self._x, self._y = as_array(x), as_array(y)
        if self._x is None and x is not None:  # a tf.data pipeline over arrays: read its arrays
            self._x, self._y, pipeline_batch = dataset_arrays(x)
            batch_size = batch_size or pipeline_batch
        # A generator or PyDataset: its first batch as Keras reads it (first_batches.py).
        self._stream = x if self._x is None and x is not None else None
        # Keras reads a PyDataset's first batch when training starts on torch and JAX (on
        # TensorFlow, and a generator's on all, before): describing the run waits for it.
        self._stream_starts_late = isinstance(x, keras.utils.PyDataset)
        first_batches.install()
        self._val = validation_data
        if validation_data is not None and not isinstance(validation_data, (tuple, list)):
            vx, vy, _ = dataset_arrays(validation_data)
            self._val = (vx, vy) if vx is not None and vy is not None else validation_data
        self._batch_size = batch_size
        self._split = validation_split
        self._step = run.last_step + 1
        self._stats: Optional[KerasLayerStats] = None
        self._before: Optional[list[np.ndarray]] = None
        self._probe: Any = None
        self._epoch_started = 0.0
        self._task: Optional[str] = None
        self._learning_rate: Optional[float] = None
        self._epoch_offset: Optional[int] = None
        # x and y are train_on_batch's first batch (autopatch.py), not the training set.
        self.batch_only = False
        # A loop of the script's own (gradient_tape.py): the optimizer and the loss function it
        # uses, where the model was never compiled with them.
        self.loop_optimizer: Any = None
        self.loop_loss: Any = None

    # -- fit's calls ---------------------------------------------------------------------------

    @guarded
    def on_train_begin(self, logs: Optional[dict[str, Any]] = None) -> None:
        self._ready(before_batches=True)

    def _ready(self, before_batches: bool = False) -> bool:
        """Prepares the statistics and describes the run, once the model is built. A model
        without an Input (a Sequential of bare layers, a subclassed model) is built by its first
        batch: until then it has no layers, weights or parameter count to describe. So is a run
        fed by a stream whose first batch Keras reads only once training starts (a PyDataset on
        the torch and JAX backends): its data facts come from that batch."""
        if self._stats is not None:
            return True
        if not getattr(self.model, "built", True):
            return False
        if self._stream is not None and self._x is None:
            batch = first_batches.first_batch(self._stream)
            if batch is None and before_batches and self._stream_starts_late:
                return False
            self._take_stream_batch(batch)
        self._stats = KerasLayerStats(self.model, self.loop_optimizer)
        if not self.run.started:
            self._describe()
        else:  # a run this fit continues (autopatch.py): the first fit described it
            self._task = self.run._facts.get("task")
        if self._x is not None:
            self._probe = self._x[: self._stats.probe_rows(self._batch_size or 32)]
        return True

    @guarded
    def on_epoch_begin(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
        if self._epoch_offset is None:
            # A run continued by this fit (fit called once per epoch counts from 0 each time):
            # its epochs follow the ones already logged.
            self._epoch_offset = max(0, self.run.next_epoch - epoch)
        epoch += self._epoch_offset
        self.run.current_epoch = epoch
        self._epoch_started = time.perf_counter()
        self._learning_rate = learning_rate_of(self._optimizer())
        if self._stats is not None:
            self._stats.new_epoch()  # a callback may have set the rate between epochs: read again

    @guarded
    def on_train_batch_begin(self, batch: int, logs: Optional[dict[str, Any]] = None) -> None:
        if self._step % self.every == 0:
            # The learning rate is a device variable: read on sampled steps (and each epoch's
            # first), carried between them, as a read per batch measured a tenth of a small step.
            # On the TensorFlow backend the call that copies the kernels for the batch's update
            # reads it: at the batch's start, or with every=1 at the end of the previous batch's
            # call, after its update (a schedule's rate at this batch's iteration; within an
            # epoch, so a rate a callback sets between epochs is read again).
            rate = None
            if self._stats is not None:
                self._before = self._stats.begin_sampled()
                rate = self._stats.rate
            self._learning_rate = round6(rate) if rate is not None else learning_rate_of(self._optimizer())

    @guarded
    def on_train_batch_end(
        self, batch: int, logs: Optional[dict[str, Any]] = None, grad_norm: Optional[float] = None
    ) -> None:
        """`grad_norm`: the global gradient norm, where the loop that drives this callback has the
        gradients (a GradientTape loop, gradient_tape.py); `fit` gives none."""
        if self._stats is None:
            self._ready()  # built by this batch: its statistics are read after its update
        logs = dict(logs or {})
        loss = logs.pop("loss", None)
        layers = None
        if self._stats is not None and self._step % self.every == 0:
            # Weight histograms every tenth sampled batch and at most every 100 (a pass per
            # kernel, sixty numbers a layer), as the PyTorch watcher writes them.
            histograms = self._step % max(self.every * 10, 100) == 0
            keep = (self._step + 1) % self.every == 0  # every=1: the next batch is sampled too
            layers = self._stats.measure_sampled(self._before, self._probe, histograms, keep)
            self._before = None
        self.run.log(
            self._step,
            loss=loss,
            metrics={k: v for k, v in logs.items() if _is_number(v)} or None,
            learning_rate=self._learning_rate,
            grad_norm=grad_norm,
            layers=layers or None,
        )
        if layers:
            self.run.flush()
        self._step += 1
        if self.run.should_stop:
            self.model.stop_training = True

    @guarded
    def on_epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
        epoch += self._epoch_offset or 0
        logs = {k: v for k, v in (logs or {}).items() if _is_number(v)}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        duration = (time.perf_counter() - self._epoch_started) * 1000
        self.run.log_epoch(epoch, train=train or None, val=val or None, duration_ms=duration)

    @guarded
    def on_train_end(self, logs: Optional[dict[str, Any]] = None) -> None:
        self._evaluate()
        if self.finish_run:
            self.run.finish("stopped" if self.run.should_stop else None, self.run.stop_reason)
        else:
            self.run.flush()  # the run may go on in a later fit: the trace is current meanwhile

    def _optimizer(self) -> Any:
        return (
            self.loop_optimizer if self.loop_optimizer is not None else getattr(self.model, "optimizer", None)
        )

    def _take_stream_batch(self, batch: Any) -> None:
        """x and y of a stream's first batch, `(x,)`, `(x, y)` or `(x, y, sample_weight)`: the
        data facts of one batch (no training-set size) and the probe's examples."""
        if isinstance(batch, (tuple, list)) and batch:
            self._x = as_array(batch[0])
            self._y = as_array(batch[1]) if len(batch) > 1 and self._x is not None else None
            if self._x is not None:
                self.batch_only = True
                self._batch_size = self._batch_size or len(self._x)

    # -- what the run is -----------------------------------------------------------------------

    def _describe(self) -> None:
        model, run = self.model, self.run
        run.describe(framework="keras", tags={"keras": keras.__version__, "backend": keras.backend.backend()})
        run.describe(model=describe_model(model))
        run.describe(optimizer=describe_optimizer(self._optimizer()))
        loss_fields = describe_loss(
            self.loop_loss if self.loop_loss is not None else getattr(model, "loss", None)
        )
        run.describe(**loss_fields)
        units = output_units(model)
        task = task_of(loss_fields.get("loss"), units)
        x, y = self._x, self._y
        if y is not None and one_hot(y):
            task = "classification"
        self._task = task
        run.describe(task=task)
        val_size = None
        if x is not None and self._split:
            cut = int(len(x) * (1 - self._split))
            val_size = len(x) - cut
            x, y = x[:cut], (y[:cut] if y is not None else None)
        elif self._val is not None:
            vx = as_array(self._val[0]) if isinstance(self._val, (tuple, list)) else None
            val_size = len(vx) if vx is not None else None
        classes = units if task == "classification" and units and units >= 2 else None
        try:
            facts = describe_data(
                x, y, task=task, num_classes=classes, val_size=val_size, batch_only=self.batch_only
            )
            run.describe(dataset=facts)
        except Exception as err:  # odd data costs the run its data facts, never its training
            run.describe(tags={"dataFactsError": repr(err)[:200]})
        batch_size = self._batch_size or (32 if x is not None else None)  # fit's default batch size
        if batch_size:
            run.describe(batchSize=int(batch_size))
        epochs = (self.params or {}).get("epochs")
        if isinstance(epochs, int) and epochs > 1:  # fit(epochs=1) is often one pass of a loop
            run.describe(epochs=epochs)

    def _evaluate(self) -> None:
        """The eval event of a classifier on its validation data: confusion, per-class scores."""
        if not self._task or "classification" not in self._task:
            return
        vx = vy = None
        if isinstance(self._val, (tuple, list)) and len(self._val) >= 2:
            vx, vy = as_array(self._val[0]), as_array(self._val[1])
        elif self._split and self._x is not None and self._y is not None:
            cut = int(len(self._x) * (1 - self._split))
            vx, vy = self._x[cut:], self._y[cut:]
        if vx is None or vy is None or len(vx) == 0:
            return
        vx, vy = vx[:_EVAL_LIMIT], vy[:_EVAL_LIMIT]
        truth = class_indices(vy)
        if truth is None:
            return
        scores = np.asarray(self.model.predict(vx, verbose=0, batch_size=self._batch_size or 32))
        if scores.ndim == 2 and scores.shape[1] > 1:
            predicted = scores.argmax(-1)
        else:
            cut = 0.0 if self.run._facts.get("fromLogits") else 0.5
            predicted = (scores.reshape(-1) > cut).astype(np.int64)
        k = int(max(truth.max(), predicted.max())) + 1
        if scores.ndim == 2 and scores.shape[1] > 1:
            k = max(k, scores.shape[1])
        self.run.eval("val", truth.tolist(), predicted.tolist(), num_classes=k)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
