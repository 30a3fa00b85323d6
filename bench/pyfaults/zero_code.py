"""The PyTorch runs of bench/pyfaults as users' plain scripts, recorded with no change to them:
each Spec is trained by `plain_torch.py` (a DataLoader loop with a validation pass per epoch, no
traindx in it) under `python -m traindx run`, then diagnosed and scored as `score.py` scores the
recorded runs: what `traindx run` makes of an unchanged loop, where `generate.py`'s runs use the
explicit API (`run.watch`, `run.log_epoch` with the validation numbers).

    clients/python/.venv/bin/python bench/pyfaults/zero_code.py             # every PyTorch run (~4 min)
    clients/python/.venv/bin/python bench/pyfaults/zero_code.py --split tune

Traces go to a temporary folder (`--out DIR` to keep them). Tune runs are listed one by one;
the test split is reported as counts only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from score import HERE, diagnose, report


def record(spec_id: str, out: Path) -> dict:
    """Trains one Spec as a plain script under `traindx run`; its diagnosis (or the failure)."""
    trace = out / f"{spec_id}.jsonl.gz"
    script = str(HERE / "plain_torch.py")
    done = subprocess.run(
        [sys.executable, "-m", "traindx", "run", "--out", str(trace), "--", script, spec_id],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=HERE,
    )
    if done.returncode != 0 and not trace.exists():
        return {"error": done.stderr.strip()[-300:]}
    return diagnose(trace)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "test"], help="only this split's runs")
    parser.add_argument("--out", type=Path, help="keep the traces here")
    args = parser.parse_args()
    labels = [
        item
        for item in json.loads((HERE / "labels.json").read_text())["labels"]
        if item["framework"] == "pytorch" and (args.split is None or item["split"] == args.split)
    ]
    out = args.out or Path(tempfile.mkdtemp(prefix="pyfaults-zero-code-"))
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        bodies = list(pool.map(lambda item: record(item["id"], out), labels))
    print(f"PyTorch runs recorded by `traindx run` from plain scripts ({len(labels)}; traces in {out})")
    report(labels, bodies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
