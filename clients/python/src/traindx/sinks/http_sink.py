"""Streams a trace to a traindx server: startRun / logEvents / finishRun on a background thread."""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Optional

from .alert_hub import AlertHub
from .graphql_http import DeliveryError, endpoint_url, post_graphql
from .sink import AlertListener, Sink, SinkStats

# The server's alert as its `alerts` subscription and `run { alerts }` give it (schema.graphql).
_ALERT = (
    "runId seq kind change step "
    "symptom { id name confidence severity firstStep lastStep layer evidence } "
    "topCause { id name confidence }"
)
_START = f"mutation($run: JSON!) {{ startRun(run: $run) {{ id alerts {{ {_ALERT} }} }} }}"
_LOG = (
    "mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) "
    f"{{ logEvents(runId: $runId, batchId: $batchId, events: $events) {{ accepted alerts {{ {_ALERT} }} }} }}"
)
_HISTORY = f"query($id: ID!) {{ run(id: $id) {{ alerts {{ {_ALERT} }} }} }}"
_FINISH = (
    "mutation($runId: ID!, $end: JSON!) "
    f"{{ finishRun(runId: $runId, end: $end) {{ id alerts {{ {_ALERT} }} }} }}"
)


@dataclass
class _Batch:
    """`b0`, `b1`, ...: fixed when the batch is cut, so a resend carries the same id and the
    server ignores the duplicate (schema.graphql, logEvents)."""

    id: str
    events: list[dict[str, Any]] = field(default_factory=list)


class HttpSink(Sink):
    """A traindx server over GraphQL, as the TypeScript monitor's remote-sink.ts speaks to it.

    `write` only appends under a lock: a slow or dead server never blocks training. Batches are
    cut at `max_batch_events` or `flush_interval_s` after their first event and delivered in order
    by one daemon thread, a failed one retried with exponential backoff (capped at `retry_max_s`).
    Past `max_buffered_events` the oldest undelivered batches are dropped (never the one being
    delivered, which carries the run event until the server has it) and counted; `close` waits at
    most `timeout_s` and counts what is left as dropped.
    """

    def __init__(
        self,
        url: str,
        *,
        headers: Optional[dict[str, str]] = None,
        max_batch_events: int = 500,
        flush_interval_s: float = 1.0,
        max_buffered_events: int = 50_000,
        retry_base_s: float = 0.25,
        retry_max_s: float = 10.0,
        request_timeout_s: float = 10.0,
    ) -> None:
        self.url = endpoint_url(url)
        self._headers = dict(headers or {})
        self._max_batch = max_batch_events
        self._interval = flush_interval_s
        self._max_buffered = max(max_buffered_events, max_batch_events)
        self._retry_base = retry_base_s
        self._retry_max = retry_max_s
        self._timeout = request_timeout_s
        self._hub = AlertHub()
        self._cond = threading.Condition()
        self._queue: deque[_Batch] = deque()
        self._open: list[dict[str, Any]] = []
        self._opened_at = 0.0
        self._seq = 0
        self._buffered = 0
        self._delivered = 0
        self._dropped = 0
        self._busy = False
        self._closing = False
        self._warned = False
        self._run: Optional[dict[str, Any]] = None
        self._started = False
        self._thread = threading.Thread(target=self._work, name="traindx-http-sink", daemon=True)
        self._thread.start()

    # -- the training thread's side ------------------------------------------------------------

    def write(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        with self._cond:
            if self._closing:
                return
            for e in events:
                if e.get("type") == "run" and self._run is None:
                    self._run = e
            if not self._open:
                self._opened_at = time.monotonic()
            self._open.extend(events)
            self._buffered += len(events)
            if len(self._open) >= self._max_batch:
                self._cut()
            self._enforce_bound()
            self._cond.notify_all()

    def on_alert(self, listener: AlertListener) -> None:
        self._hub.on(listener)

    def close(self, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            self._cut()
            self._cond.notify_all()
            while (self._queue or self._busy) and time.monotonic() < deadline:
                self._cond.wait(min(0.05, max(0.0, deadline - time.monotonic())))
            self._closing = True
            # What is left cannot be delivered in time: count it.
            while self._queue:
                # A request still on its way (queue[0] when busy) ends on the daemon thread, by
                # answer or timeout; it is counted as lost now, so the count told at the end is whole.
                self._drop(self._queue.pop(), "could not be reached before the run finished")
            self._cond.notify_all()

    def stats(self) -> SinkStats:
        with self._cond:
            return SinkStats(delivered=self._delivered, dropped=self._dropped, buffered=self._buffered)

    # -- under the lock ------------------------------------------------------------------------

    def _cut(self) -> None:
        if self._open:
            self._queue.append(_Batch(f"b{self._seq}", self._open))
            self._seq += 1
            self._open = []

    def _enforce_bound(self) -> None:
        while self._buffered > self._max_buffered and len(self._queue) > 1:
            victim = self._queue[1]
            del self._queue[1]
            self._drop(victim, f"is unreachable and {self._max_buffered} events are buffered")
        if self._buffered > self._max_buffered and self._open and self._queue:
            # The open batch itself past the bound (one huge burst while the first batch waits).
            self._drop(
                _Batch("open", self._open), f"is unreachable and {self._max_buffered} events are buffered"
            )
            self._open = []

    def _drop(self, batch: _Batch, why: str) -> None:
        self._dropped += len(batch.events)
        self._buffered -= len(batch.events)
        if not self._warned:
            self._warned = True
            print(f"traindx: {self.url} {why}; dropping events (this warning is shown once)", file=sys.stderr)

    # -- the sink's own thread -----------------------------------------------------------------

    def _work(self) -> None:
        failures = 0
        while True:
            with self._cond:
                while not self._queue:
                    if self._closing:
                        return
                    if self._open and time.monotonic() - self._opened_at >= self._interval:
                        self._cut()
                        continue
                    self._cond.wait(self._interval if self._open else 0.5)
                batch = self._queue[0]
                self._busy = True
            try:
                self._deliver(batch)
                failures = 0
                ok, permanent = True, False
            except DeliveryError as err:
                ok, permanent = False, err.permanent
                if permanent:
                    print(f"traindx: {self.url} refused batch {batch.id}: {err}", file=sys.stderr)
            except Exception as err:  # never let the sink thread die on a surprise
                ok, permanent = False, True
                print(f"traindx: sending batch {batch.id} failed: {err!r}", file=sys.stderr)
            with self._cond:
                self._busy = False
                in_queue = bool(self._queue) and self._queue[0] is batch
                if not in_queue:
                    continue  # given up on by close() and counted there
                if ok:
                    self._delivered += len(batch.events)
                    self._buffered -= len(batch.events)
                elif permanent or self._closing:
                    self._drop(batch, f"refused batch {batch.id}" if permanent else "went away")
                if ok or permanent or self._closing:
                    self._queue.popleft()
                self._cond.notify_all()
                if ok or permanent:
                    continue
                failures += 1
                self._cond.wait(min(self._retry_max, self._retry_base * 2 ** (failures - 1)))

    def _post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return post_graphql(self.url, query, variables, self._headers, self._timeout)

    def _deliver(self, batch: _Batch) -> None:
        run = self._run
        if run is None:
            raise DeliveryError("no run event was written before other events", permanent=True)
        events = batch.events
        if events and events[0].get("type") == "run":
            events = events[1:]
        if not self._started or batch.events[0].get("type") == "run":
            # Starting the same run again changes nothing. The run's alerts so far come back with
            # it: the static findings its run event raised, before any logEvents.
            started = self._post(_START, {"run": run}).get("startRun") or {}
            self._hub.publish(started.get("alerts") or [])
            self._started = True
        end = events[-1] if events and events[-1].get("type") == "end" else None
        if end is not None:
            events = events[:-1]
        try:
            if events:
                data = self._post(_LOG, {"runId": run["id"], "batchId": batch.id, "events": events})
                answer = data.get("logEvents") or {}
                if answer.get("accepted") is False:
                    # Stored before, its answer lost (a timeout): its alerts are in the run's
                    # history; the hub passes on only the ones not heard yet.
                    history = self._post(_HISTORY, {"id": run["id"]}).get("run") or {}
                    self._hub.publish(history.get("alerts") or [])
                else:
                    self._hub.publish(answer.get("alerts") or [])
            if end is not None:
                finished = self._post(_FINISH, {"runId": run["id"], "end": end}).get("finishRun") or {}
                self._hub.publish(finished.get("alerts") or [])
        except DeliveryError as err:
            if err.code == "RUN_NOT_FOUND":
                # A server restarted without its journal: start the run again, then resend.
                self._started = False
                raise DeliveryError(str(err), permanent=False) from None
            raise
