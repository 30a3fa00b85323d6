"""A Spec's data: generated, split 75/25 into train and validation, then the data faults planted
in the training part (label noise, imbalance, scale, offset, NaN rows)."""

from __future__ import annotations

import numpy as np
from datasets import SETS
from scenarios import Spec


def prepare(spec: Spec, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, y = SETS[spec.data](rng, spec.n, **dict(spec.data_options))
    if spec.majority is not None:
        # Keep every example of class 0 and as few of the others as the majority share allows.
        keep_major = np.flatnonzero(y == 0)
        others = np.flatnonzero(y != 0)
        n_other = max(int(len(keep_major) * (1 - spec.majority) / spec.majority), 2)
        pick = np.concatenate([keep_major, rng.choice(others, size=min(n_other, len(others)), replace=False)])
        rng.shuffle(pick)
        x, y = x[pick], y[pick]
    cut = int(len(x) * 0.75)
    xt, yt, xv, yv = x[:cut].copy(), y[:cut].copy(), x[cut:].copy(), y[cut:].copy()
    if spec.label_noise:
        noisy = rng.random(len(yt)) < spec.label_noise
        yt[noisy] = rng.integers(0, int(y.max()) + 1, size=int(noisy.sum()))
    # Input scale faults apply to every split (the pipeline forgot to normalise, everywhere).
    xt, xv = xt * spec.scale + spec.shift, xv * spec.scale + spec.shift
    if spec.nan_share:
        rows = rng.random(len(xt)) < spec.nan_share
        rows[rng.integers(0, len(xt))] = True
        xt[rows, 0] = np.nan
    return xt.astype("float32"), yt, xv.astype("float32"), yv
