"""traindx: records PyTorch, Keras, Lightning and Hugging Face training runs as traindx traces.

    run = traindx.init(out="runs/mlp.jsonl", name="mlp")
    run.watch(model, optimizer, every=10)
    ... train ...
    run.finish()

or, with no change to the script: `python -m traindx run --out run.jsonl -- train.py`.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .autolog import autolog
from .run import Run
from .sinks import open_sink

__version__ = "0.1.0"
__all__ = ["Run", "autolog", "init"]


def init(
    out: Optional[str] = None,
    url: Optional[str] = None,
    *,
    name: Optional[str] = None,
    config: Optional[dict[str, Any]] = None,
    every: int = 10,
    on_alert: Optional[Callable[[dict[str, Any]], None]] = None,
    stop_on: Optional[str] = None,
    profile: Optional[str] = None,
    tags: Optional[dict[str, str]] = None,
    run_id: Optional[str] = None,
    headers: Optional[dict[str, str]] = None,
    close_timeout_s: float = 10.0,
    **http_options: Any,
) -> Run:
    """Starts recording a run to a trace file (`out`, `.jsonl` or `.jsonl.gz`) or a traindx
    server (`url`). `every`: per-layer statistics every that many steps. `on_alert` is called
    with each new symptom the server reports; `stop_on="critical"` (or "warning") sets
    `run.should_stop` and stops Keras, Lightning and HF training at such an alert.

    >>> with traindx.init(out="run.jsonl", name="mlp") as run:
    ...     run.watch(model, optimizer)
    """
    if url is not None and headers:
        http_options["headers"] = headers
    sink = open_sink(out, url, **http_options)
    return Run(
        sink,
        run_id=run_id,
        name=name,
        config=config,
        every=every,
        on_alert=on_alert,
        stop_on=stop_on,
        profile=profile,
        tags=tags,
        close_timeout_s=close_timeout_s,
    )
