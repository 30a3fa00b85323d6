"""Zero-code capture: every training run of the process recorded, with no change to the script."""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import Any, Callable, Optional

from .import_hooks import when_imported
from .run import Run, end_status_of
from .sinks import open_sink


def numbered_path(path: str, n: int) -> str:
    """The n-th run's file beside the first: `run.jsonl` → `run-2.jsonl`, `a.jsonl.gz` → `a-2.jsonl.gz`."""
    if n <= 1:
        return path
    for ext in (".jsonl.gz", ".jsonl", ".json.gz"):
        if path.endswith(ext):
            return f"{path[: -len(ext)]}-{n}{ext}"
    stem, ext = os.path.splitext(path)
    return f"{stem}-{n}{ext}"


class AutologSession:
    """The runs of one process: where they go, how often they are sampled, and which framework
    integration currently owns the training (so its optimizer steps are not recorded twice)."""

    def __init__(
        self,
        out: Optional[str] = None,
        url: Optional[str] = None,
        *,
        every: int = 10,
        name: Optional[str] = None,
        profile: Optional[str] = None,
        on_alert: Optional[Callable[[dict[str, Any]], None]] = None,
        stop_on: Optional[str] = None,
        tags: Optional[dict[str, str]] = None,
        **http_options: Any,
    ) -> None:
        if out is None and url is None:
            out = os.path.join("traindx-runs", f"{name or 'run'}-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
        self.out = out
        self.url = url
        self.every = every
        self.name = name
        self.profile = profile
        self.on_alert = on_alert
        self.stop_on = stop_on
        self.tags = dict(tags or {})
        self.http_options = http_options
        self.runs: list[Run] = []
        self.managed = 0  # > 0 while a Keras/Lightning/HF callback records the training
        self.lock = threading.Lock()

    def new_run(self, framework: str) -> Run:
        """A run for a training that just started, written to the next numbered file."""
        with self.lock:
            n = len(self.runs) + 1
            out = numbered_path(self.out, n) if self.out else None
            sink = open_sink(out, self.url, **self.http_options)
            name = self.name or "run"
            run = Run(
                sink,
                name=name if n == 1 else f"{name}-{n}",
                every=self.every,
                on_alert=self.on_alert,
                stop_on=self.stop_on,
                profile=self.profile,
                tags={**self.tags, "capture": "autolog"},
            )
            run.describe(framework=framework)
            self.runs.append(run)
            return run

    def finish_all(self, error: Optional[BaseException] = None) -> None:
        """Ends every run still open, as the script ended (an exception is a crash, unless it
        came while the run was idle: its training had ended normally)."""
        for run in list(self.runs):
            if not run.finished:
                try:
                    run.finish(*end_status_of(None if run.idle else error))
                except Exception as err:
                    print(f"traindx: could not finish run {run.id}: {err!r}", file=sys.stderr)
                    continue
                where = getattr(run.sink, "path", None) or getattr(run.sink, "url", "")
                print(
                    f"traindx: run {run.name} {run.status}, {run.last_step + 1} steps -> {where}",
                    file=sys.stderr,
                )


_session: Optional[AutologSession] = None


def current_session() -> Optional[AutologSession]:
    return _session


def autolog(out: Optional[str] = None, url: Optional[str] = None, **options: Any) -> AutologSession:
    """Records every training run that follows in this process: plain PyTorch loops (through
    global optimizer hooks), Keras `fit`, Lightning `Trainer` and Hugging Face `Trainer`
    (which get a traindx callback). Frameworks are hooked when they are imported, never imported
    here. Open runs are finished when the process exits. Calling it again changes nothing.

    `options` are `AutologSession`'s: `every`, `name`, `profile`, `on_alert`, `stop_on`, `tags`,
    and the HTTP sink's options (`headers`, ...).

    >>> traindx.autolog(out="runs/mlp.jsonl", every=10)
    """
    global _session
    if _session is not None:
        return _session
    session = AutologSession(out, url, **options)
    _session = session
    when_imported("torch", lambda module: _install_torch(session))
    when_imported("keras", lambda module: _install_keras(session))
    when_imported("lightning.pytorch", lambda module: _install_lightning(session, module))
    when_imported("pytorch_lightning", lambda module: _install_lightning(session, module))
    when_imported("transformers.trainer", lambda module: _install_transformers(session, module))
    atexit.register(session.finish_all)
    return session


def _install_torch(session: AutologSession) -> None:
    from .pytorch.global_hooks import install_global_hooks

    install_global_hooks(session)


def _install_keras(session: AutologSession) -> None:
    from .keras.autopatch import patch_fit

    patch_fit(session)


def _install_lightning(session: AutologSession, module: Any) -> None:
    from .lightning.autopatch import patch_trainer

    patch_trainer(session, module)


def _install_transformers(session: AutologSession, module: Any) -> None:
    from .transformers.autopatch import patch_trainer

    patch_trainer(session, module)
