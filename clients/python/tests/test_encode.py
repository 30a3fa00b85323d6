"""encode.to_line writes a step's layer statistics by templates (six significant digits, one
str.format per layer): the record must read back as the general encoder's, rounded the same."""

from __future__ import annotations

import json
import math
import random

from traindx.encode import plain, round6, to_line


def general(event: dict) -> dict:
    return json.loads(json.dumps(plain(event), separators=(",", ":"), allow_nan=False))


def step(layers: dict) -> dict:
    return {"type": "step", "step": 7, "time": 1, "loss": 0.5, "gradNorm": 1.25, "layers": layers}


def test_layer_statistics_read_back_rounded_to_six_digits():
    rng = random.Random(4)
    for _ in range(300):
        layers = {}
        for n in range(rng.randint(1, 6)):
            stats = {
                key: rng.choice(
                    [0.0, -0.0, 1.0, 123456.7, 1e-7, -3.3e12, rng.uniform(-1, 1) * 10 ** rng.randint(-9, 9)]
                )
                for key in rng.sample(
                    ["gradNorm", "gradMean", "weightStd", "actMean", "updateRatio"], rng.randint(1, 5)
                )
            }
            stats["nanCount"] = 0
            layers[rng.choice([str(n), f"block.{n}.fc", f'od"d{{{n}}}'])] = stats
        event = step(layers)
        line = to_line(event)
        assert json.loads(line) == general(event)
        for name, stats in json.loads(line)["layers"].items():
            for key, value in stats.items():
                assert value == (round6(layers[name][key]) if key != "nanCount" else 0), (name, key)


def test_non_finite_and_non_numeric_layers_take_the_general_way():
    for stats in (
        {"gradNorm": math.nan, "nanCount": 3},
        {"weightNorm": math.inf, "nanCount": 1},
        {"weightNorm": 1.0000004, "weightHistogram": {"edges": [-1.0, 1.0], "counts": [4]}, "nanCount": 0},
    ):
        event = step({"dense": stats, "other": {"actMean": 0.12345678, "nanCount": 0}})
        got = json.loads(to_line(event))
        assert got == general(event)
        assert got["layers"]["other"]["actMean"] == 0.123457
    assert (
        json.loads(to_line(step({"dense": {"gradNorm": math.nan, "nanCount": 3}})))["layers"]["dense"][
            "gradNorm"
        ]
        == "NaN"
    )
