"""Small classification and regression sets made in code (seeded), as bench/faults/datasets.ts does."""

from __future__ import annotations

import numpy as np

Labelled = tuple[np.ndarray, np.ndarray]


def blobs(
    rng: np.random.Generator, n: int, classes: int = 4, features: int = 10, spread: float = 3.0
) -> Labelled:
    centres = rng.normal(size=(classes, features)) * spread
    y = rng.integers(0, classes, size=n)
    return (centres[y] + rng.normal(size=(n, features))).astype("float32"), y


def moons(rng: np.random.Generator, n: int, noise: float = 0.15) -> Labelled:
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0, np.pi, size=n)
    x = np.stack([np.cos(t) + y * 1.0, np.sin(t) * (1 - 2 * y) + y * 0.5], axis=1)
    return (x + rng.normal(scale=noise, size=x.shape)).astype("float32"), y


def spirals(rng: np.random.Generator, n: int, classes: int = 3, noise: float = 0.15) -> Labelled:
    y = rng.integers(0, classes, size=n)
    r = rng.uniform(0.1, 1.0, size=n)
    t = r * 4 + y * (2 * np.pi / classes)
    x = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    return (x + rng.normal(scale=noise * r[:, None], size=x.shape)).astype("float32"), y


def segments(rng: np.random.Generator, n: int, noise: float = 0.25) -> Labelled:
    """8x8 seven-segment digits with pixel noise: 10 classes, 64 features in [0, 1]."""
    on = {
        0: "abcdef",
        1: "bc",
        2: "abged",
        3: "abgcd",
        4: "fgbc",
        5: "afgcd",
        6: "afgedc",
        7: "abc",
        8: "abcdefg",
        9: "abcdfg",
    }
    strokes = {
        "a": [(1, c) for c in range(2, 6)],
        "b": [(r, 6) for r in range(1, 4)],
        "c": [(r, 6) for r in range(4, 7)],
        "d": [(7, c) for c in range(2, 6)],
        "e": [(r, 1) for r in range(4, 7)],
        "f": [(r, 1) for r in range(1, 4)],
        "g": [(4, c) for c in range(2, 6)],
    }
    images = np.zeros((10, 8, 8), dtype="float32")
    for digit, segs in on.items():
        for s in segs:
            for r, c in strokes[s]:
                images[digit, r, c] = 1.0
    y = rng.integers(0, 10, size=n)
    x = images[y].reshape(n, 64) + rng.normal(scale=noise, size=(n, 64))
    return np.clip(x, 0, 1).astype("float32"), y


def friedman(rng: np.random.Generator, n: int) -> Labelled:
    """Friedman #1 regression: 10 features, 5 of them informative."""
    x = rng.uniform(size=(n, 10)).astype("float32")
    y = 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
    return x, (y + rng.normal(size=n)).astype("float32")


SETS = {"blobs": blobs, "moons": moons, "spirals": spirals, "segments": segments, "friedman": friedman}
