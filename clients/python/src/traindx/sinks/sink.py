"""What every destination of a trace offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class SinkStats:
    """Where the events went: delivered, dropped (bounded queue, refused batch) and still buffered."""

    delivered: int = 0
    dropped: int = 0
    buffered: int = 0


AlertListener = Callable[[dict[str, Any]], None]


class Sink:
    """A destination for trace events. `write` never blocks training for long and never raises."""

    def write(self, events: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def close(self, timeout_s: float = 10.0) -> None:
        raise NotImplementedError

    def stats(self) -> SinkStats:
        return SinkStats()

    def on_alert(self, listener: AlertListener) -> None:
        """Alerts come only from a server; a file has none."""
