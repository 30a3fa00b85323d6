"""The held-out variants, fixed by their ids alone before any run is trained (bench/faults/split.ts's
rule): for each cause, and for healthy, a third of its variants, rounded, at least one when it has
two or more, ranked by a hash of the variant id."""

from __future__ import annotations

import hashlib

from scenarios import Spec


def test_variants(specs: list[Spec]) -> set[str]:
    by_cause: dict[str, list[str]] = {}
    for spec in specs:
        by_cause.setdefault(spec.cause, []).append(spec.id)
    held: set[str] = set()
    for ids in by_cause.values():
        n = 0 if len(ids) < 2 else max(1, round(len(ids) / 3))
        ranked = sorted(ids, key=lambda i: (hashlib.sha256(i.encode()).hexdigest(), i))
        held.update(ranked[:n])
    return held
