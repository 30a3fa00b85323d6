"""Keras 3 (TensorFlow backend): the callback's statistics equal numbers computed here, and
`traindx run` on an unchanged `fit` script writes traces the project reads and diagnoses."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SCRIPTS, diagnose_all, read_trace, run_traindx, top_cause

keras = pytest.importorskip("keras")

from traindx.keras import TraindxCallback  # noqa: E402


class Truth(keras.callbacks.Callback):
    """Records, independently of traindx, what each sampled batch should report: float64 numpy
    from `get_weights`, the probe run through the layers one by one, the rate read eagerly."""

    def __init__(self, probe: np.ndarray, every: int) -> None:
        super().__init__()
        self.probe = probe
        self.every = every
        self.step = 0
        self.expected: dict[int, dict[str, dict[str, float]]] = {}
        self.rates: dict[int, float] = {}
        self._before: list[list[np.ndarray]] = []

    def on_train_batch_begin(self, batch, logs=None):
        if self.step % self.every == 0:
            self._before = [layer.get_weights() for layer in self.model.layers]
            self.rates[self.step] = float(self.model.optimizer.learning_rate)

    def on_train_batch_end(self, batch, logs=None):
        if self.step % self.every == 0:
            layers: dict[str, dict[str, float]] = {}
            h = self.probe
            for layer, before in zip(self.model.layers, self._before):
                h = layer(h, training=False)
                act = np.asarray(h, dtype=np.float64)
                s = {"actMean": act.mean(), "actStd": act.std()}
                if layer.get_weights():
                    kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
                    s.update(
                        weightNorm=np.linalg.norm(kernel),
                        weightMean=kernel.mean(),
                        weightStd=kernel.std(),
                        weightMaxAbs=np.abs(kernel).max(),
                        biasMean=bias.mean(),
                        biasStd=bias.std(),
                        updateRatio=np.linalg.norm(kernel - before[0]) / np.linalg.norm(kernel),
                    )
                if layer.get_config().get("activation") == "relu":
                    units = act.reshape(-1, act.shape[-1])
                    s["deadFraction"] = float((units.max(axis=0) <= 0).mean())
                layers[layer.name] = s
            self.expected[self.step] = layers
        self.step += 1


def assert_statistics_equal(events: list[dict], truth: Truth) -> None:
    steps = {e["step"]: e for e in events if e["type"] == "step"}
    assert sorted(s for s, e in steps.items() if "layers" in e) == sorted(truth.expected)
    for step, layers in truth.expected.items():
        assert steps[step]["learningRate"] == pytest.approx(truth.rates[step], rel=1e-5), step
        for name, fields in layers.items():
            got = steps[step]["layers"][name]
            for field, want in fields.items():
                assert got[field] == pytest.approx(want, rel=1e-5, abs=1e-7), (step, name, field)


# every=3: the kernels are copied and the rate read at a sampled batch's start; every=1: by the
# previous batch's statistics call, within an epoch (a rate set between epochs, here by a
# LearningRateScheduler listed after traindx, is read at the next epoch's first batch).
@pytest.mark.parametrize("every,rates", [(3, "decay"), (1, "decay"), (1, "scheduler")])
def test_callback_statistics_equal_independent_numbers(tmp_path, every, rates):
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
    decay = keras.optimizers.schedules.ExponentialDecay(0.3, decay_steps=2, decay_rate=0.8)
    model.compile(
        keras.optimizers.SGD(decay if rates == "decay" else 0.3),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    path = tmp_path / "keras.jsonl"
    truth = Truth(x[:16], every)
    callback = TraindxCallback(out=str(path), every=every, x=x, y=y, batch_size=16)
    callbacks = [callback, truth]
    if rates == "scheduler":
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch: 0.3 * 0.5**epoch))
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False, callbacks=callbacks)

    # The TensorFlow backend's one-call device path made these numbers (not the numpy fallback).
    assert callback._stats is not None and callback._stats.fast is not None
    assert callback._probe.shape == (16, 5)  # the first batch: its layers' outputs are small
    events = read_trace(path)
    run = events[0]
    assert run["framework"] == "keras" and run["task"] == "classification"
    assert run["dataset"]["classCounts"] == np.bincount(y, minlength=3).tolist()
    steps = {e["step"]: e for e in events if e["type"] == "step"}
    assert sorted(steps) == list(range(12))
    assert len(truth.expected) == (12 if every == 1 else 4)
    assert len({truth.rates[s] for s in truth.rates}) > 1  # the rate changed along the run
    assert_statistics_equal(events, truth)
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1]
    assert events[-1]["type"] == "end" and events[-1]["status"] == "completed"


def test_probe_of_a_conv_net_is_its_first_examples_as_many_as_its_outputs_allow(tmp_path):
    """Outputs of 16x16x16 + 16x16x16 + 10 values an example: 2^19 values hold 63 of them, so the
    probe is the first 32 examples (of batches of 64); with 32x32 images, 15, so the first 15."""
    from traindx.keras.layer_stats import PROBE_VALUES

    for side, rows in ((16, 32), (32, 15)):
        keras.utils.set_random_seed(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(128, side, side, 3)).astype("float32")
        y = rng.integers(0, 10, size=128)
        model = keras.Sequential(
            [
                keras.Input((side, side, 3)),
                keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                keras.layers.Flatten(),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
        per_example = 2 * side * side * 16 + 10
        assert rows == min(32, PROBE_VALUES // per_example)
        path = tmp_path / f"conv{side}.jsonl"
        truth = Truth(x[:rows], 2)
        callback = TraindxCallback(out=str(path), every=2, x=x, y=y, batch_size=64)
        model.fit(x, y, batch_size=64, epochs=2, verbose=0, shuffle=False, callbacks=[callback, truth])
        assert callback._stats is not None and callback._stats.fast is not None
        assert callback._probe.shape[0] == rows
        assert_statistics_equal(read_trace(path), truth)


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
