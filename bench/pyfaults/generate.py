"""bench/pyfaults: real Python runs with planted faults, recorded by the traindx client.

    clients/python/.venv/bin/python bench/pyfaults/generate.py            # every run (about 5 min)
    clients/python/.venv/bin/python bench/pyfaults/generate.py --list     # the variants and their split
    clients/python/.venv/bin/python bench/pyfaults/generate.py ID ...     # only the matching runs

Writes traces/<id>.jsonl.gz and labels.json ({id, primaryCause, acceptableCauses, split,
variantOf, framework, notes}). The run event's id and name are neutral (`pyfault-<hash>`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenarios import ALL, Spec  # noqa: E402
from split import test_variants  # noqa: E402

SEED = 7


def neutral_id(spec: Spec) -> str:
    return "pyfault-" + hashlib.sha256(spec.id.encode()).hexdigest()[:10]


def label(spec: Spec, held: set[str]) -> dict:
    return {
        "id": spec.id,
        "runId": neutral_id(spec),
        "primaryCause": spec.cause,
        "acceptableCauses": list(spec.acceptable),
        "split": "test" if spec.id in held else "tune",
        "variantOf": spec.id,
        "framework": spec.framework,
        "notes": spec.notes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="id fragments of the runs to (re)train")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    held = test_variants(ALL)
    labels = [label(spec, held) for spec in ALL]
    if args.list:
        for item in labels:
            print(f"{item['split']:5s} {item['framework']:8s} {item['primaryCause']:28s} {item['id']}")
        print(
            f"{sum(s.cause != 'healthy' for s in ALL)} faulty,"
            f" {sum(s.cause == 'healthy' for s in ALL)} healthy,"
            f" {len(held)} held out"
        )
        return 0
    traces = HERE / "traces"
    traces.mkdir(exist_ok=True)
    import torch

    torch.set_num_threads(1)
    failed = []
    for spec in ALL:
        if args.only and not any(fragment in spec.id for fragment in args.only):
            continue
        started = time.perf_counter()
        out = traces / f"{spec.id}.jsonl.gz"
        try:
            if spec.framework == "pytorch":
                from train_torch import train
            else:
                from train_keras import train
            train(spec, SEED, str(out), neutral_id(spec))
        except Exception as err:  # a run that cannot train at all is reported, not labelled
            failed.append(spec.id)
            print(f"FAILED {spec.id}: {err!r}", file=sys.stderr)
            continue
        print(f"{spec.id:40s} {time.perf_counter() - started:5.1f} s", flush=True)
    kept = [item for item in labels if (traces / f"{item['id']}.jsonl.gz").exists()]
    (HERE / "labels.json").write_text(
        json.dumps({"formatVersion": 1, "seed": SEED, "labels": kept}, indent=2) + "\n"
    )
    print(f"{len(kept)} labelled runs in {HERE / 'labels.json'}; failed: {failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
