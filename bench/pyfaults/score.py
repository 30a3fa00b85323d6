"""Diagnoses every labelled trace with the project's CLI and scores it, as bench:accuracy does
for the TF.js runs: top-1 / top-3 cause accuracy, false alarms and missed faults per split. Tune
runs are listed one by one; the test split is reported only as counts (never look at its runs).

    clients/python/.venv/bin/python bench/pyfaults/score.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def diagnose(path: Path) -> dict:
    done = subprocess.run(
        ["npx", "tsx", "src/cli/main.ts", "diagnose", str(path), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[:300]}
    return json.loads(done.stdout)


def verdict(label: dict, body: dict) -> tuple[bool, bool]:
    """(top-1 hit, top-3 hit)."""
    if "error" in body:
        return False, False
    if label["primaryCause"] == "healthy":
        return body["healthy"], body["healthy"]
    accepted = {label["primaryCause"], *label["acceptableCauses"]}
    ranked = [c["id"] for c in body.get("causes", [])]
    return bool(ranked[:1]) and ranked[0] in accepted, any(c in accepted for c in ranked[:3])


def report(labels: list[dict], bodies: list[dict]) -> None:
    """Prints each split's scores: tune misses one by one, the test split as counts only."""
    for split in ("tune", "test"):
        rows = [
            (item, body, *verdict(item, body)) for item, body in zip(labels, bodies) if item["split"] == split
        ]
        faulty = [r for r in rows if r[0]["primaryCause"] != "healthy"]
        healthy = [r for r in rows if r[0]["primaryCause"] == "healthy"]
        top1 = sum(r[2] for r in faulty) / max(1, len(faulty))
        top3 = sum(r[3] for r in faulty) / max(1, len(faulty))
        alarms = sum(not r[2] for r in healthy)
        missed = sum(1 for r in faulty if r[1].get("healthy"))
        unread = sum(1 for r in rows if "error" in r[1])
        print(
            f"{split}: {len(faulty)} faulty, {len(healthy)} healthy; top-1 {top1:.2f}, top-3 {top3:.2f};"
            f" false alarms {alarms}/{len(healthy)}; missed faults {missed}; unreadable {unread}"
        )
        if split == "tune":
            for item, body, hit1, _ in rows:
                if not hit1:
                    got = (
                        "healthy"
                        if body.get("healthy")
                        else (body.get("causes") or [{"id": body.get("error")}])[0]["id"]
                    )
                    print(f"  miss {item['id']:40s} planted {item['primaryCause']:28s} top {got}")


def main() -> int:
    labels = json.loads((HERE / "labels.json").read_text())["labels"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        bodies = list(pool.map(lambda item: diagnose(HERE / "traces" / f"{item['id']}.jsonl.gz"), labels))
    report(labels, bodies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
