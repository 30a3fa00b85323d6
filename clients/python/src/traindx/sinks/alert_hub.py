"""The server's alerts for a streamed run, handed to the run's listeners, each once."""

from __future__ import annotations

import sys
import threading
from typing import Any

from .sink import AlertListener

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


class AlertHub:
    """Passes on the alerts the server announced (each `logEvents` answer carries its batch's:
    a (symptom, layer) `started`, `updated` when it changed materially, `resolved`; top-cause
    changes), as the dashboard and the `alerts` subscription show them. The server numbers a
    run's alerts (`seq`); one already passed on is never passed on again, so the history read
    after a lost answer (see `HttpSink`) only adds what was missed."""

    def __init__(self) -> None:
        self._listeners: list[AlertListener] = []
        self._last_seq = -1
        self._lock = threading.Lock()

    def on(self, listener: AlertListener) -> None:
        self._listeners.append(listener)

    @property
    def last_seq(self) -> int:
        """The highest `seq` passed on so far (-1 before any)."""
        return self._last_seq

    def publish(self, alerts: list[dict[str, Any]]) -> None:
        with self._lock:
            fresh = []
            for alert in alerts:
                seq = alert.get("seq")
                if isinstance(seq, int):
                    if seq <= self._last_seq:
                        continue
                    self._last_seq = seq
                fresh.append(alert)
        for alert in fresh:
            for listener in self._listeners:
                try:
                    listener(alert)
                except Exception as err:  # a listener's bug must not stop delivery, nor training
                    print(f"traindx: alert listener failed: {err!r}", file=sys.stderr)
