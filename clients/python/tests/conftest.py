"""Shared test helpers: the TypeScript reader as the judge of traces, small data, one torch thread."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
REPO = PACKAGE.parents[1]
SCRIPTS = Path(__file__).resolve().parent / "scripts"

# The machine has 2 cores and the TypeScript suite may run beside this one.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def read_trace(path: Path) -> list[dict[str, Any]]:
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def untimed(event: dict[str, Any]) -> dict[str, Any]:
    """An event without its `time` (epoch ms, differs per run), for comparing whole events."""
    return {k: v for k, v in event.items() if k != "time"}


def diagnose(path: Path) -> tuple[int, dict[str, Any], str]:
    """`traindx diagnose FILE --json` of the project's own CLI: exit 0 = read and diagnosed."""
    npx = shutil.which("npx")
    if npx is None or not (REPO / "node_modules").is_dir():
        pytest.skip("the TypeScript reader needs `npm ci` in the repository root")
    done = subprocess.run(
        [npx, "tsx", "src/cli/main.ts", "diagnose", str(path), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    body = json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else {}
    return done.returncode, body, done.stderr


def diagnose_all(paths: list[Path]) -> list[tuple[int, dict[str, Any], str]]:
    """Several traces at once (each CLI start costs seconds; two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(diagnose, paths))


def top_cause(body: dict[str, Any]) -> str:
    causes = body.get("causes") or []
    return causes[0]["id"] if causes else "(none)"


def run_traindx(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m traindx ...` in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "traindx", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PACKAGE,
    )


@pytest.fixture(autouse=True, scope="session")
def _one_thread() -> None:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
