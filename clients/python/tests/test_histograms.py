"""Weight and gradient histograms (docs/spec/trace-format-extensions.md): written on every
`histogram_every`-th step, each bucket's count equal to numpy's over the same edges, and the
trace still read by the project's own reader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import traindx

from conftest import diagnose, read_trace

EVERY = 2
HISTOGRAM_EVERY = 4
STEPS = 9


def test_histograms_count_what_numpy_counts(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    g = torch.Generator().manual_seed(1)
    path = tmp_path / "h.jsonl"
    expected: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    with traindx.init(out=str(path), every=EVERY) as run:
        run.watch(model, opt, histogram_every=HISTOGRAM_EVERY)
        for step in range(STEPS):
            x, y = torch.randn(16, 6, generator=g), torch.randint(0, 3, (16,), generator=g)
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            grads = {n: model[int(n)].weight.grad.detach().double().numpy().copy() for n in ("0", "2")}
            opt.step()
            weights = {n: model[int(n)].weight.detach().double().numpy().copy() for n in ("0", "2")}
            if step % HISTOGRAM_EVERY == 0:
                expected[step] = {n: (weights[n], grads[n]) for n in weights}

    steps = {e["step"]: e for e in read_trace(path) if e["type"] == "step"}
    first_layer = {s: e.get("layers", {}).get("0", {}) for s, e in steps.items()}
    with_histograms = sorted(s for s, layer in first_layer.items() if "weightHistogram" in layer)
    assert with_histograms == [0, 4, 8]
    for step, layers in expected.items():
        for name, (weight, grad) in layers.items():
            got = steps[step]["layers"][name]
            for field, values in (("weightHistogram", weight), ("gradHistogram", grad)):
                h = got[field]
                assert len(h["edges"]) == len(h["counts"]) + 1 == 31
                assert sum(h["counts"]) == values.size, (step, name, field)
                top = np.abs(values).max()
                assert h["edges"][0] < -top * 0.99999 and h["edges"][-1] > top * 0.99999
                want, _ = np.histogram(values.ravel(), bins=np.asarray(h["edges"]))
                # Six-digit edges may move a value that sits on one to the next bucket.
                assert np.abs(np.asarray(h["counts"]) - want).sum() <= 2, (step, name, field)
    code, _, err = diagnose(path)
    assert code == 0, err


def test_keras_weight_histograms_count_what_numpy_counts(tmp_path):
    keras = pytest.importorskip("keras")
    from traindx.keras import TraindxCallback

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = rng.integers(0, 3, size=64)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    kernels: dict[int, dict[str, np.ndarray]] = {}

    class Kernels(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            step = len(kernels) if not kernels else max(kernels) + 1
            kernels[step] = {
                layer.name: np.asarray(layer.get_weights()[0], np.float64) for layer in model.layers
            }

    path = tmp_path / "k.jsonl"
    callback = TraindxCallback(out=str(path), every=1, x=x, y=y, batch_size=2)
    model.fit(x, y, batch_size=2, epochs=7, verbose=0, shuffle=False, callbacks=[callback, Kernels()])
    steps = {e["step"]: e for e in read_trace(path) if e["type"] == "step"}
    with_histograms = sorted(
        s for s, e in steps.items() if "weightHistogram" in next(iter(e["layers"].values()))
    )
    # Every tenth sampled batch, and at most every 100: at every=1, every 100th.
    assert with_histograms == [0, 100, 200]
    for step in with_histograms:
        for name, kernel in kernels[step].items():
            h = steps[step]["layers"][name]["weightHistogram"]
            assert len(h["edges"]) == len(h["counts"]) + 1 == 31
            assert sum(h["counts"]) == kernel.size
            want, _ = np.histogram(kernel.ravel(), bins=np.asarray(h["edges"]))
            assert np.abs(np.asarray(h["counts"]) - want).sum() <= 2, (step, name)
