"""Writes a trace to a JSON Lines file, plain or gzipped."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from typing import Any

from ..encode import to_line
from .sink import Sink, SinkStats


class FileSink(Sink):
    """A trace file: `.jsonl`, or gzipped when the path ends in `.gz`.

    Every `write` ends with a flush to the operating system (gzip with a sync
    flush, so the file read so far is valid), and the run writes at sampled
    steps: a crash loses at most the steps since the last one.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        raw = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._gzip = gzip.GzipFile(fileobj=raw, mode="wb") if self.path.endswith(".gz") else None
        self._raw = raw
        self._out: io.RawIOBase | gzip.GzipFile = self._gzip or raw  # type: ignore[assignment]
        self._written = 0

    def write(self, events: list[dict[str, Any]]) -> None:
        if not events or self._raw.closed:
            return
        data = "".join(to_line(e) + "\n" for e in events).encode("utf-8")
        self._out.write(data)
        if self._gzip is not None:
            self._gzip.flush(zlib.Z_SYNC_FLUSH)
        self._raw.flush()
        self._written += len(events)

    def close(self, timeout_s: float = 10.0) -> None:
        if self._raw.closed:
            return
        if self._gzip is not None:
            self._gzip.close()
        self._raw.close()

    def stats(self) -> SinkStats:
        return SinkStats(delivered=self._written)

    def __repr__(self) -> str:
        return f"FileSink({self.path!r})"
