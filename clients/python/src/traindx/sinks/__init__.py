"""Where a trace goes: a file (`FileSink`) or a traindx server (`HttpSink`)."""

from __future__ import annotations

from typing import Any, Optional

from .file_sink import FileSink
from .http_sink import HttpSink
from .sink import Sink, SinkStats

__all__ = ["FileSink", "HttpSink", "Sink", "SinkStats", "open_sink"]


def open_sink(out: Optional[str] = None, url: Optional[str] = None, **http_options: Any) -> Sink:
    """A FileSink for `out` (`.jsonl` or `.jsonl.gz`) or an HttpSink for `url`; exactly one."""
    if (out is None) == (url is None):
        raise ValueError("give exactly one of out= (a .jsonl or .jsonl.gz path) or url= (a traindx server)")
    if out is not None:
        return FileSink(out)
    return HttpSink(url, **http_options)  # type: ignore[arg-type]
