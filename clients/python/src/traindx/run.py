"""One training run as a trace: the `run` event, then steps, epochs, evals and the `end` event."""

from __future__ import annotations

import math
import sys
import threading
import time
import uuid
from types import TracebackType
from typing import Any, Callable, Optional

from .classification import classification_report
from .deferred import DeferredStats, VectorSlot, is_tensor, read_back
from .encode import round6
from .sinks.alert_hub import SEVERITY_RANK
from .sinks.sink import Sink

AlertCallback = Callable[[dict[str, Any]], None]

# Losses and gradient norms wait on the device for the next sampled step, but no longer than
# this many steps: with a large `every` a NaN is still seen (and streamed) promptly, at one
# read-back per 32 steps (the TypeScript monitor's fit-callback.ts uses the same bound).
MAX_PENDING_STEPS = 32

# `config` keys that are run-event fields of their own (the rest become string tags).
_CONFIG_FIELDS = {"batch_size": "batchSize", "batchSize": "batchSize", "epochs": "epochs", "task": "task"}


class Run:
    """A run being recorded. Made by `traindx.init`; usable as a context manager.

    Everything a framework integration learns before the first step (model, optimizer, loss,
    data) goes into the run event through `describe`; the run event is written with the first
    step, epoch or eval. Step values may be device tensors: they are read back together at the
    next flush (a sampled step, an epoch, or every 32 steps), one host transfer for all of them.
    """

    def __init__(
        self,
        sink: Sink,
        *,
        run_id: Optional[str] = None,
        name: Optional[str] = None,
        config: Optional[dict[str, Any]] = None,
        every: int = 10,
        on_alert: Optional[AlertCallback] = None,
        stop_on: Optional[str] = None,
        profile: Optional[str] = None,
        tags: Optional[dict[str, str]] = None,
        close_timeout_s: float = 10.0,
    ) -> None:
        if every < 1:
            raise ValueError(f"every must be 1 or more, got {every}")
        if stop_on is not None and stop_on not in SEVERITY_RANK:
            raise ValueError(f"stop_on must be one of {sorted(SEVERITY_RANK)}, got {stop_on!r}")
        self.sink = sink
        self.id = run_id or f"{name or 'run'}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self.name = name
        self.every = every
        self.stop_on = stop_on
        self.close_timeout_s = close_timeout_s
        self.should_stop = False
        self.stop_reason: Optional[str] = None
        self.finished = False
        self.status: Optional[str] = None
        self.ending: Optional[str] = None  # the status `finish` was given, while it detaches the watchers
        self.dropped = 0
        self.current_epoch: Optional[int] = None
        self.next_epoch = 0  # one past the last epoch logged (a run continued by a later fit)
        # Between two trainings of the same model (Keras' fit called once per epoch): an error
        # after the last one ends the process, not the run's training (AutologSession.finish_all).
        self.idle = False
        self.evaluated = False  # an eval event was written
        self._facts: dict[str, Any] = {}
        self._tags: dict[str, str] = {"client": "traindx-python", "statsEvery": str(every)}
        self._started = False
        self._pending: dict[int, dict[str, Any]] = {}  # by step: a merge is one lookup
        self._last_step = -1
        self._diverged: Optional[str] = None
        self._warned_order = False
        self._epoch_losses: list[float] = []
        self._lock = threading.RLock()
        self._watchers: list[Any] = []
        # The run event is written with the first step but dated when the run began, so `time`
        # never decreases along the trace (docs/spec/trace-format-extensions.md).
        self._started_ms = _now_ms()
        if name:
            self._facts["name"] = name
        for key, value in (config or {}).items():
            if key in _CONFIG_FIELDS and value is not None:
                self._facts[_CONFIG_FIELDS[key]] = value
            else:
                self._tags[f"config.{key}"] = str(value)
        if profile:
            self._tags["profile"] = profile
        self._tags.update(tags or {})
        if on_alert is not None:
            sink.on_alert(on_alert)
        sink.on_alert(self._judge_alert)

    # -- what the run is -----------------------------------------------------------------------

    def describe(self, **fields: Any) -> None:
        """Adds run-event fields (model, optimizer, loss, dataset, ...) before the run event is written.

        Fields already given are kept; dicts are merged key by key. `tags` are merged as strings.
        """
        with self._lock:
            for key, value in fields.items():
                if value is None:
                    continue
                if key == "tags":
                    self._tags.update({k: str(v) for k, v in value.items()})
                elif isinstance(value, dict) and isinstance(self._facts.get(key), dict):
                    self._facts[key] = {**value, **self._facts[key]}
                else:
                    self._facts.setdefault(key, value)

    @property
    def started(self) -> bool:
        return self._started

    @property
    def ended_midway(self) -> bool:
        """While `finish` detaches the watchers: whether the run crashed or was interrupted, so
        that an epoch under way is no epoch (its pass over the data never ended)."""
        return self.ending in ("crashed", "interrupted")

    @property
    def last_step(self) -> int:
        """The highest step recorded so far (-1 before any)."""
        return max([self._last_step, *self._pending])

    # -- the explicit API ----------------------------------------------------------------------

    def watch(self, model: Any, optimizer: Any = None, every: Optional[int] = None, **options: Any) -> Any:
        """Records a PyTorch model and its optimizer: every optimizer step becomes a step event
        (loss from the backward call, learning rate, gradient norm), every `every`-th step also
        per-layer weight, gradient, update and activation statistics.

        Keras models are watched by passing `traindx.keras.TraindxCallback(run)` to `fit`.
        """
        from .pytorch.watcher import TorchWatcher

        watcher = TorchWatcher(self, model, optimizer, every=every or self.every, **options)
        self.attach(watcher)
        return watcher

    def attach(self, watcher: Any) -> None:
        """Something that records into this run: its `detach()` is called when the run finishes,
        before the end event (the last epoch it holds back is written then)."""
        self._watchers.append(watcher)

    def log(
        self,
        step: int,
        loss: Any = None,
        metrics: Optional[dict[str, Any]] = None,
        *,
        learning_rate: Any = None,
        epoch: Optional[int] = None,
        grad_norm: Any = None,
        layers: Any = None,
        training: Optional[bool] = None,
        loss_scale: Any = None,
        step_skipped: Optional[bool] = None,
    ) -> None:
        """Records one optimisation step. Values may be device tensors (read back later, together).
        `training`: whether the model was in training mode (PyTorch `model.training`).
        `loss_scale`: the mixed-precision loss scale the step's gradients were computed with;
        `step_skipped`: the loss scaler skipped the update (non-finite gradients).

        With `watch`, the fields are merged into the watched step of the same number.
        """
        # Dated when logged, not when flushed: a pending step may wait up to 32 steps.
        event: dict[str, Any] = {"type": "step", "step": int(step), "time": _now_ms()}
        ep = epoch if epoch is not None else self.current_epoch
        if ep is not None:
            event["epoch"] = int(ep)
        if loss is not None:
            event["loss"] = loss
        if learning_rate is not None:
            event["learningRate"] = learning_rate
        if grad_norm is not None:
            event["gradNorm"] = grad_norm
        if metrics:
            event["metrics"] = dict(metrics)
        if layers is not None:
            event["layers"] = layers
        if training is not None:
            event["training"] = bool(training)
        if loss_scale is not None:
            event["lossScale"] = loss_scale
        if step_skipped is not None:
            event["stepSkipped"] = bool(step_skipped)
        self._add_step(event)

    def log_epoch(
        self,
        epoch: int,
        train: Optional[dict[str, Any]] = None,
        val: Optional[dict[str, Any]] = None,
        *,
        step: Optional[int] = None,
        duration_ms: Optional[float] = None,
        extra: Optional[dict[str, Any]] = None,
    ) -> None:
        """Records the end of an epoch with its training and validation loss and metrics (and
        `extra` fields, e.g. the data splits' `sampleSketch`)."""
        self.flush()
        if self._epoch_losses and (train is None or "loss" not in train):
            # The epoch's training loss: the mean of its batch losses, as Keras reports it.
            train = {"loss": sum(self._epoch_losses) / len(self._epoch_losses), **(train or {})}
        self._epoch_losses = []
        event: dict[str, Any] = {"type": "epoch", "epoch": int(epoch)}
        self.next_epoch = max(self.next_epoch, int(epoch) + 1)
        last = step if step is not None else self._last_step
        if last >= 0:
            event["step"] = int(last)
        if train:
            event["train"] = _numbers(train)
        if val:
            event["val"] = _numbers(val)
        if duration_ms is not None:
            event["durationMs"] = round(float(duration_ms), 1)
        if extra:
            event.update(extra)
        self._write([event])

    def eval(
        self,
        split: str,
        y_true: Any,
        y_pred: Any,
        *,
        step: Optional[int] = None,
        metrics: Optional[dict[str, Any]] = None,
        num_classes: Optional[int] = None,
    ) -> dict[str, Any]:
        """Records a held-out evaluation of a classifier: confusion matrix, per-class and macro
        precision, recall and F1 (and any extra `metrics`, e.g. the loss). Returns the event."""
        self.flush()
        report = classification_report(y_true, y_pred, num_classes)
        self.evaluated = True
        event: dict[str, Any] = {"type": "eval", "split": split}
        last = step if step is not None else self._last_step
        if last >= 0:
            event["step"] = int(last)
        event["metrics"] = {**_numbers(metrics or {}), **report["metrics"]}
        event.update({k: v for k, v in report.items() if k != "metrics"})
        self._write([event])
        return event

    def finish(self, status: Optional[str] = None, reason: Optional[str] = None) -> None:
        """Writes the end event and closes the sink. Status `completed`, `diverged` (the default when
        the loss ended non-finite), `stopped`, `interrupted` or `crashed`. Calling it again does nothing."""
        with self._lock:
            if self.finished:
                return
            self.ending = status  # what the watchers' last epoch is written by (None: a normal end)
            for watcher in self._watchers:
                watcher.detach()
            self.flush()
            self.finished = True
            if status is None:
                status = "diverged" if self._diverged else ("stopped" if self.should_stop else "completed")
                reason = reason or self._diverged or self.stop_reason
            self.status = status
            end: dict[str, Any] = {"type": "end", "status": status}
            if self._last_step >= 0:
                end["step"] = self._last_step
            if reason:
                end["reason"] = reason
            self._write([end])
        self.sink.close(self.close_timeout_s)
        stats = self.sink.stats()
        self.dropped = stats.dropped
        if stats.dropped:
            print(
                f"traindx: run {self.id}: {stats.dropped} events were dropped "
                f"({stats.delivered} delivered) because {self.sink!r} could not take them",
                file=sys.stderr,
            )

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.finish(*end_status_of(error))

    # -- for integrations ----------------------------------------------------------------------

    def flush(self) -> None:
        """Reads back the pending device values (one transfer per device) and writes the steps."""
        with self._lock:
            if not self._pending:
                return
            events = [self._pending[step] for step in sorted(self._pending)]
            self._pending = {}
            slots: list[tuple[dict[str, Any], str, Optional[str]]] = []
            values: list[Any] = []
            in_vectors: list[tuple[dict[str, Any], str]] = []
            for event in events:
                for key in ("loss", "learningRate", "gradNorm", "lossScale"):
                    if key in event and not isinstance(event[key], (int, float)):
                        if isinstance(event[key], VectorSlot):
                            in_vectors.append((event, key))
                            continue
                        slots.append((event, key, None))
                        values.append(event[key])
                for name, value in (event.get("metrics") or {}).items():
                    if not isinstance(value, (int, float)):
                        slots.append((event, "metrics", name))
                        values.append(value)
                if isinstance(event.get("layers"), DeferredStats):
                    slots.append((event, "layers", None))
                    values.append(event["layers"])
            numbers = read_back(values) if values else []
            read: dict[int, list[float]] = {}
            for (event, key, sub), value, got in zip(slots, values, numbers):
                if isinstance(value, DeferredStats):
                    read[id(value)] = got or []
                    event[key] = value.decode(got or [])
                elif sub is None:
                    event[key] = round6((got or [math.nan])[0])
                else:
                    event[key][sub] = round6((got or [math.nan])[0])
            for event, key in in_vectors:
                at = event[key]
                got = read.get(id(at.stats))
                event[key] = round6(got[at.index]) if got and at.index < len(got) else math.nan
            for event in events:
                for key in ("learningRate", "gradNorm"):
                    if isinstance(event.get(key), float):
                        event[key] = round6(event[key])
                if event.get("metrics"):
                    event["metrics"] = {k: round6(float(v)) for k, v in event["metrics"].items()}
                if isinstance(event.get("loss"), (int, float)):
                    event["loss"] = float(event["loss"])
                if isinstance(event.get("loss"), float):
                    event["loss"] = round6(event["loss"])
                    # A step a loss scaler skipped kept the weights as they were: its loss (often
                    # an fp16 overflow) is neither a divergence nor part of the epoch's loss.
                    handled = event.get("stepSkipped") is True
                    if not handled:
                        self._epoch_losses.append(event["loss"])
                    if not math.isfinite(event["loss"]) and self._diverged is None and not handled:
                        self._diverged = f"loss is {event['loss']} at step {event['step']}"
                if not event.get("layers"):
                    event.pop("layers", None)
            self._write(events)

    def _add_step(self, event: dict[str, Any]) -> None:
        with self._lock:
            if self.finished:
                return
            step = event["step"]
            pending = self._pending.get(step)
            if pending is not None:
                _merge_step(pending, event)
                return
            if step <= self._last_step:
                if not self._warned_order:
                    self._warned_order = True
                    print(
                        f"traindx: step {step} comes after step {self._last_step} was written; "
                        "steps must increase (this warning is shown once)",
                        file=sys.stderr,
                    )
                return
            self._pending[step] = event
            sampled = isinstance(event.get("layers"), DeferredStats)
            if sampled or len(self._pending) >= MAX_PENDING_STEPS:
                self.flush()

    def _write(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        if not self._started:
            self._started = True
            events = [self._run_event(), *events]
        now = None
        for e in events:
            if e["type"] == "step":
                self._last_step = max(self._last_step, e["step"])
            elif "time" not in e:
                now = now or _now_ms()
                e["time"] = now
        try:
            self.sink.write(events)
        except Exception as err:  # a full disk must not end the training
            print(f"traindx: could not write the trace ({err!r})", file=sys.stderr)

    def _run_event(self) -> dict[str, Any]:
        run: dict[str, Any] = {"type": "run", "formatVersion": 1, "id": self.id, "time": self._started_ms}
        run.update(self._facts)
        run["tags"] = {**self._tags, **{k: str(v) for k, v in (self._facts.get("tags") or {}).items()}}
        return run

    def _judge_alert(self, alert: dict[str, Any]) -> None:
        if self.stop_on is None or alert.get("change") == "resolved":
            return
        symptom = alert.get("symptom") or {}
        if SEVERITY_RANK.get(str(symptom.get("severity")), -1) >= SEVERITY_RANK[self.stop_on]:
            self.should_stop = True
            self.stop_reason = f"traindx reported {symptom.get('id')} ({symptom.get('severity')})"


def end_status_of(error: Optional[BaseException]) -> tuple[Optional[str], Optional[str]]:
    """The end event's status and reason for how a run's code ended: an exception is a crash
    named by its type; Ctrl-C is `interrupted` (docs/spec/trace-format-extensions.md)."""
    if error is None:
        return None, None
    if isinstance(error, KeyboardInterrupt):
        return "interrupted", "KeyboardInterrupt"
    if isinstance(error, SystemExit):
        return (None, None) if error.code in (0, None) else ("crashed", f"SystemExit: {error.code}")
    message = str(error).splitlines()[0][:200] if str(error) else ""
    return "crashed", f"{type(error).__name__}: {message}" if message else type(error).__name__


def _now_ms() -> int:
    """Wall time in epoch milliseconds, the trace's `time` field (one clock read per event)."""
    return int(time.time() * 1000)


def _numbers(values: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in values.items():
        if is_tensor(value):
            value = value.detach().float().item()
        try:
            out[key] = round6(float(value))
        except (TypeError, ValueError):
            continue
    return out


def _merge_step(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if key == "metrics":
            into["metrics"] = {**into.get("metrics", {}), **value}
        elif key not in into or key in ("loss", "learningRate"):
            into[key] = value
