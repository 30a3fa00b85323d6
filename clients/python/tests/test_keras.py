"""Keras 3 (TensorFlow backend): the callback's statistics equal numbers computed here, and
`traindx run` on an unchanged `fit` script writes traces the project reads and diagnoses."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SCRIPTS, diagnose_all, read_trace, run_traindx, top_cause

keras = pytest.importorskip("keras")

from traindx.keras import TraindxCallback  # noqa: E402

EVERY = 3


class Truth(keras.callbacks.Callback):
    """Records, independently of traindx, what each sampled batch should report."""

    def __init__(self, probe: np.ndarray) -> None:
        super().__init__()
        self.probe = probe
        self.step = 0
        self.expected: dict[int, dict[str, dict[str, float]]] = {}
        self._before: list[np.ndarray] = []

    def on_train_batch_begin(self, batch, logs=None):
        if self.step % EVERY == 0:
            self._before = [layer.get_weights() for layer in self.model.layers]

    def on_train_batch_end(self, batch, logs=None):
        if self.step % EVERY == 0:
            layers: dict[str, dict[str, float]] = {}
            h = self.probe
            for layer, before in zip(self.model.layers, self._before):
                h = layer(h, training=False)
                act = np.asarray(h, dtype=np.float64)
                kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
                s = {
                    "weightNorm": np.linalg.norm(kernel),
                    "weightMean": kernel.mean(),
                    "weightStd": kernel.std(),
                    "weightMaxAbs": np.abs(kernel).max(),
                    "biasMean": bias.mean(),
                    "biasStd": bias.std(),
                    "updateRatio": np.linalg.norm(kernel - before[0]) / np.linalg.norm(kernel),
                    "actMean": act.mean(),
                    "actStd": act.std(),
                }
                if layer.get_config()["activation"] == "relu":
                    s["deadFraction"] = float((act.max(axis=0) <= 0).mean())
                layers[layer.name] = s
            self.expected[self.step] = layers
        self.step += 1


def test_callback_statistics_equal_independent_numbers(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5)).astype("float32")
    y = rng.integers(0, 3, size=96)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.SGD(0.3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path / "keras.jsonl"
    truth = Truth(x[:16])
    callback = TraindxCallback(out=str(path), every=EVERY, x=x, y=y, batch_size=16)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False, callbacks=[callback, truth])

    # The TensorFlow backend's one-call device path made these numbers (not the numpy fallback).
    assert callback._stats is not None and callback._stats.fast is not None
    events = read_trace(path)
    run = events[0]
    assert run["framework"] == "keras" and run["task"] == "classification"
    assert run["dataset"]["classCounts"] == np.bincount(y, minlength=3).tolist()
    steps = {e["step"]: e for e in events if e["type"] == "step"}
    assert sorted(steps) == list(range(12))
    assert sorted(s for s, e in steps.items() if "layers" in e) == sorted(truth.expected)
    for step, layers in truth.expected.items():
        for name, fields in layers.items():
            got = steps[step]["layers"][name]
            for field, want in fields.items():
                assert got[field] == pytest.approx(want, rel=1e-5, abs=1e-7), (step, name, field)
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1]
    assert events[-1]["type"] == "end" and events[-1]["status"] == "completed"


def test_zero_code_fit_scripts_are_read_and_their_faults_diagnosed(tmp_path):
    script = str(SCRIPTS / "keras_mlp.py")
    cases = {
        "healthy": [],
        "learning_rate_too_high": ["--lr", "5", "--optimizer", "sgd"],
        "saturating_activation": [
            "--depth",
            "8",
            "--activation",
            "sigmoid",
            "--optimizer",
            "sgd",
            "--lr",
            "0.05",
        ],
        "unnormalized_inputs": ["--scale", "100", "--lr", "0.001"],
    }
    paths = []
    for case, args in cases.items():
        path = tmp_path / f"{case}.jsonl"
        done = run_traindx(["run", "--out", str(path), "--", script, "--epochs", "4", *args])
        assert done.returncode == 0, done.stderr
        paths.append(path)
    healthy = read_trace(paths[0])
    assert healthy[0]["dataset"]["valSize"] == 128 and healthy[0]["epochs"] == 4
    assert [e["type"] for e in healthy[-2:]] == ["eval", "end"]
    results = diagnose_all(paths)
    assert [code for code, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    assert results[0][1]["healthy"] is True
    assert [top_cause(body) for _, body, _ in results[1:]] == list(cases)[1:]
