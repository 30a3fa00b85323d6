"""Alerts from the symptom lists a server returns, each announced once (again only when it grows worse)."""

from __future__ import annotations

import sys
import threading
from typing import Any

from .sink import AlertListener

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


class AlertHub:
    """Mirrors the TypeScript monitor's symptom-alerts.ts: every `logEvents` answer carries all
    symptoms seen so far, so a symptom (by id, layer and onset) is announced when it first appears
    and again only when its severity rises."""

    def __init__(self) -> None:
        self._listeners: list[AlertListener] = []
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def on(self, listener: AlertListener) -> None:
        self._listeners.append(listener)

    def update(self, run_id: str, symptoms: list[dict[str, Any]]) -> None:
        with self._lock:
            fresh = [s for s in symptoms if self._is_fresh(s)]
        for symptom in fresh:
            alert = {"runId": run_id, "kind": "symptom", "symptom": symptom, "step": symptom.get("lastStep")}
            for listener in self._listeners:
                try:
                    listener(alert)
                except Exception as err:  # a listener's bug must not stop delivery, nor training
                    print(f"traindx: alert listener failed: {err!r}", file=sys.stderr)

    def _is_fresh(self, symptom: dict[str, Any]) -> bool:
        key = f"{symptom.get('id')}|{symptom.get('layer') or ''}|{symptom.get('firstStep') or ''}"
        rank = SEVERITY_RANK.get(str(symptom.get("severity")), 0)
        before = self._seen.get(key)
        if before is not None and rank <= before:
            return False
        self._seen[key] = rank
        return True
