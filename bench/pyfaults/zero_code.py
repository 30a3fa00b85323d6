"""The runs of bench/pyfaults as users' plain scripts, recorded with no change to them: each Spec
is trained by a script with no traindx in it under `python -m traindx run`, then diagnosed and
scored as `score.py` scores the recorded runs: what `traindx run` makes of an unchanged script,
where `generate.py`'s runs use the explicit API (`run.watch`, `run.log_epoch` with the
validation numbers). Three styles of script, each scored on its own:

- `loader` (`plain_torch.py`, the PyTorch runs): a DataLoader loop, a validation loss per epoch;
- `tensors` (`plain_torch_tensors.py`, the PyTorch runs): tensors sliced by hand, the functional
  loss, an accuracy-only validation pass over the whole validation tensor;
- `keras` (`plain_keras.py`, the Keras runs): `compile` and `fit(validation_data=...)`;
- `iters` (`plain_torch_iters.py`, the PyTorch runs): nanoGPT's shape, a loop over iterations
  drawing random batches, and an `estimate_loss()` of both splits every so many iterations;
- `full-batch` (`plain_torch_full_batch.py`, the PyTorch runs but those whose planted fault is
  the batch size): each step on the whole training tensor, one loop, over epochs.

    clients/python/.venv/bin/python bench/pyfaults/zero_code.py                  # every style (~20 min)
    clients/python/.venv/bin/python bench/pyfaults/zero_code.py --split tune --style keras

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

# style -> (the plain script, the framework of the Specs it trains)
STYLES = {
    "loader": ("plain_torch.py", "pytorch"),
    "tensors": ("plain_torch_tensors.py", "pytorch"),
    "keras": ("plain_keras.py", "keras"),
    "iters": ("plain_torch_iters.py", "pytorch"),
    "full-batch": ("plain_torch_full_batch.py", "pytorch"),
}
# Causes a style's script cannot plant: a full-batch loop has no batch size to get wrong.
LEFT_OUT = {"full-batch": {"batch_size_too_small"}}


def record(spec_id: str, style: str, out: Path) -> dict:
    """Trains one Spec as a plain script under `traindx run`; its diagnosis (or the failure)."""
    trace = out / style / f"{spec_id}.jsonl.gz"
    script = str(HERE / STYLES[style][0])
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
    parser.add_argument("--style", nargs="*", choices=list(STYLES), help="only these styles of script")
    parser.add_argument("--out", type=Path, help="keep the traces here")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="pyfaults-zero-code-"))
    everything = json.loads((HERE / "labels.json").read_text())["labels"]
    for style in args.style or list(STYLES):
        script, framework = STYLES[style]
        labels = [
            item
            for item in everything
            if item["framework"] == framework
            and (args.split is None or item["split"] == args.split)
            and item["primaryCause"] not in LEFT_OUT.get(style, set())
        ]
        (out / style).mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            bodies = list(
                pool.map(record, [item["id"] for item in labels], [style] * len(labels), [out] * len(labels))
            )
        where = f"{len(labels)}; traces in {out / style}"
        print(f"\n{style}: {framework} runs as `{script}` under `traindx run` ({where})")
        report(labels, bodies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
