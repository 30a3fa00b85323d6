"""The client's standard-library core on the oldest Python it supports (3.9), run by
scripts/test-python.sh where a python3.9 is at hand: every file compiles, and a run with steps,
an epoch, an eval and a Ctrl-C is recorded. torch, Keras and the rest have no 3.9 wheels on this
project's machines; ruff's py39 target checks their integrations' syntax and annotations."""

import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[2] / "bench"
ROOTS = [HERE.parent / "src", HERE, BENCH / "pyclient", BENCH / "pyfaults"]


def main() -> int:
    assert sys.version_info[:2] == (3, 9), sys.version
    files = [f for root in ROOTS for f in root.rglob("*.py") if ".venv" not in f.parts]
    for f in files:
        compile(f.read_text(encoding="utf-8"), str(f), "exec")
    sys.path.insert(0, str(HERE.parent / "src"))
    import traindx

    out = Path(tempfile.mkdtemp()) / "run.jsonl.gz"
    with traindx.init(out=str(out), name="py39") as run:
        for step in range(40):
            run.log(step, loss=1.0 / (step + 1), metrics={"accuracy": 0.5})
        run.log_epoch(0, train={"loss": 0.5}, val={"loss": 0.6, "accuracy": 0.75})
        run.eval("val", [0, 1, 1, 0], [0, 1, 0, 0])
    with gzip.open(out, "rt") as f:
        events = [json.loads(line) for line in f]
    assert [e["type"] for e in events[:2]] == ["run", "step"] and len(events) == 44, events[-3:]
    end = {k: v for k, v in events[-1].items() if k != "time"}  # dated: trace-format-extensions.md
    assert end == {"type": "end", "status": "completed", "step": 39}, events[-1]
    assert all(isinstance(e.get("time"), int) for e in events), events[:2]
    stopped = out.with_name("stopped.jsonl")
    try:
        with traindx.init(out=str(stopped)) as run:
            run.log(0, loss=1.0)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    end = json.loads(stopped.read_text().splitlines()[-1])
    assert end["status"] == "interrupted", end
    print(f"python {sys.version.split()[0]}: {len(files)} files compile; the core records runs")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
