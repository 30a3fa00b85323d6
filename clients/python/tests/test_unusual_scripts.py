"""Scripts unlike the ones traindx was first written against: batches without a DataLoader, a
float64 model, Keras models built by their first batch, and an error inside traindx itself,
which must cost the run its recording and never the training."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

import traindx
from traindx.pytorch import capture
from traindx.pytorch.layer_stats import LayerStatsPlan

from conftest import SCRIPTS, diagnose_all, read_trace, run_traindx, top_cause

NO_LOADER = str(SCRIPTS / "torch_no_loader.py")


def test_batches_without_a_data_loader_still_describe_the_data(tmp_path):
    """`traindx run` meets the model at its first optimizer step, after four forwards: the data
    facts come from the first call of the model and of its loss module, and the whole training
    set from the tensor the script slices its batches from (data_source.py)."""
    healthy, scaled = tmp_path / "healthy.jsonl", tmp_path / "scaled.jsonl"
    for out, extra in ((healthy, []), (scaled, ["--scale", "500"])):
        done = run_traindx(["run", "--out", str(out), "--", NO_LOADER, "--epochs", "3", *extra])
        assert done.returncode == 0, done.stderr
    run = read_trace(healthy)[0]
    assert run["batchSize"] == 16 and run["task"] == "classification"
    dataset = run["dataset"]
    assert dataset["inputShape"] == [20] and abs(dataset["inputStats"]["mean"]) < 1
    assert dataset["numClasses"] == 3 and sum(dataset["classCounts"]) == 1600 == dataset["trainSize"]
    scaled_run = read_trace(scaled)[0]
    assert scaled_run["dataset"]["inputStats"]["mean"] > 100
    results = diagnose_all([healthy, scaled])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    assert top_cause(results[1][1]) == "unnormalized_inputs"
    assert not any(c["id"] == "unnormalized_inputs" for c in results[0][1].get("causes") or [])


@pytest.mark.parametrize("how", ["model", "step"])
def test_a_compiled_model_trains_as_without_traindx_and_is_recorded(tmp_path, how):
    """torch.compile: forward hooks would recompile the model and trace traindx's reductions into
    its graph (20x slower steps), and removing the start-up module-call taps would recompile it
    once (other rounding): a compiled model gets neither, and its losses stay bit-identical. So
    does a model called inside a compiled step function (no wrapper tells it is compiled: its
    loss's autograd graph does), whose hooks do nothing while traced and then stay as they were."""
    script = str(SCRIPTS / "torch_compiled.py")
    args = [script, "--step"] if how == "step" else [script]
    bare = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600)
    assert bare.returncode == 0, bare.stderr
    out = tmp_path / "compiled.jsonl"
    watched = subprocess.run(
        [sys.executable, "-m", "traindx", "run", "--out", str(out), "--", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TORCH_LOGS": "recompiles"},
    )
    assert watched.returncode == 0, watched.stderr
    assert "Recompiling" not in watched.stderr
    last = [line for line in bare.stdout.splitlines() if line.startswith("last loss")]
    assert last and last == [line for line in watched.stdout.splitlines() if line.startswith("last loss")]
    events = read_trace(out)
    if how == "model":  # (a compiled step's inputs are seen by no hook: nothing runs in its trace)
        assert events[0]["batchSize"] == 64 and events[0]["dataset"]["inputShape"] == [32]
    steps = [e for e in events if e["type"] == "step"]
    assert len(steps) == 60 and "gradNorm" in steps[0]["layers"]["0"]
    assert not any("actMean" in stats for e in steps if "layers" in e for stats in e["layers"].values())


def test_a_model_trained_in_phases_with_new_optimizers_is_one_run(tmp_path):
    """A new optimizer for a model whose last optimizer is gone continues that model's run (a
    second phase of training, an optimizer made anew each epoch); another model starts the next."""
    out = tmp_path / "phases.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", str(SCRIPTS / "torch_phases.py")])
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phases-2.jsonl", "phases.jsonl"]
    events = read_trace(out)
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(32))
    assert [e["learningRate"] for e in steps[::8]] == [0.01, 0.01, 0.1, 0.05]
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1, 2, 3]
    assert "gradNorm" not in steps[0]["layers"]["0"] and "gradNorm" in steps[20]["layers"]["0"]
    assert [e["step"] for e in read_trace(tmp_path / "phases-2.jsonl") if e["type"] == "step"] == list(
        range(8)
    )


def train_watched(out, model, optimizer, batches, every=2, after_backward=None, after_step=None):
    """Trains `model` with cross-entropy on `(x, y)` batches under traindx, calling the callables
    with the model after each backward and each update; returns the trace's step events."""
    try:
        with traindx.init(out=str(out), every=every) as run:
            run.watch(model, optimizer)
            for x, y in batches:
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y).backward()
                if after_backward is not None:
                    after_backward(model)
                optimizer.step()
                if after_step is not None:
                    after_step(model)
    finally:
        capture.uninstall()
    return [e for e in read_trace(out) if e["type"] == "step"]


def flat_grad_norm(model: nn.Module) -> float:
    return float(torch.cat([p.grad.to_dense().reshape(-1) for p in model.parameters()]).norm())


def test_a_float64_model_is_recorded_in_its_own_precision(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3)).double()
    batch = (torch.randn(64, 6, dtype=torch.float64), torch.randint(0, 3, (64,)))
    norms, weights = [], []
    steps = train_watched(
        tmp_path / "double.jsonl",
        model,
        torch.optim.SGD(model.parameters(), lr=0.1),
        [batch] * 5,
        after_backward=lambda m: norms.append(flat_grad_norm(m)),
        after_step=lambda m: weights.append(float(m[0].weight.detach().norm())),
    )
    assert [e["gradNorm"] for e in steps] == pytest.approx(norms, rel=1e-5)
    assert [e["step"] for e in steps if "layers" in e] == [0, 2, 4]
    assert [steps[k]["layers"]["0"]["weightNorm"] for k in (0, 2, 4)] == pytest.approx(
        [weights[k] for k in (0, 2, 4)], rel=1e-5
    )


def test_sparse_embedding_gradients_are_measured_in_their_dense_form(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Embedding(100, 8, sparse=True), nn.Flatten(), nn.Linear(16, 2))
    batches = [(ids, ids[:, 0] % 2) for ids in (torch.randint(0, 100, (32, 2)) for _ in range(4))]
    norms, embedding_norms = [], []

    def read(m: nn.Module) -> None:
        norms.append(flat_grad_norm(m))
        embedding_norms.append(float(m[0].weight.grad.to_dense().norm()))

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    steps = train_watched(tmp_path / "sparse.jsonl", model, optimizer, batches, after_backward=read)
    assert [e["gradNorm"] for e in steps] == pytest.approx(norms, rel=1e-5)
    assert [steps[k]["layers"]["0"]["gradNorm"] for k in (0, 2)] == pytest.approx(
        [embedding_norms[k] for k in (0, 2)], rel=1e-5
    )


def test_an_error_inside_traindx_stops_the_recording_not_the_training(tmp_path, monkeypatch, capfd):
    def broken(*args, **kwargs):
        raise RuntimeError("planted bug in traindx")

    monkeypatch.setattr(LayerStatsPlan, "measure", broken)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batch = (torch.randn(32, 4), torch.randint(0, 2, (32,)))
    hooked = []

    def hooks_left(m: nn.Module) -> None:
        hooked.append(any(mod._forward_hooks for mod in m) or bool(optimizer._optimizer_step_pre_hooks))

    out = tmp_path / "broken.jsonl"
    train_watched(out, model, optimizer, [batch] * 6, every=3, after_step=hooks_left)
    assert hooked == [False] * 6  # all removed at step 0's failure; the training went on
    err = capfd.readouterr().err
    assert "stopped recording run" in err and "planted bug in traindx" in err
    assert read_trace(out)[-1]["type"] == "end"


keras = pytest.importorskip("keras")


class Net(keras.Model):
    """A subclassed model: no Input, built by its first batch."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(3)

    def call(self, x, training=False):
        return self.out(self.hidden(x))


@pytest.mark.parametrize("kind", ["sequential without Input", "subclassed"])
def test_keras_models_built_by_their_first_batch_are_described(tmp_path, kind):
    from traindx.keras import TraindxCallback

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = x[:, :3].argmax(1)
    if kind == "subclassed":
        model = Net()
    else:
        model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
    model.compile("rmsprop", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    out = tmp_path / "built-late.jsonl"
    callback = TraindxCallback(out=str(out), x=x, y=y, every=4)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[callback])
    events = read_trace(out)
    run = events[0]
    assert run["optimizer"]["name"] == "rmsprop"
    assert [layer["params"] for layer in run["model"]["layers"]] == [8 * 16 + 16, 16 * 3 + 3]
    steps = [e for e in events if e["type"] == "step"]
    assert len(steps) == 16 and [e["step"] for e in steps if "layers" in e] == [0, 4, 8, 12]
    first = steps[0]["layers"][model.layers[0].name]
    assert first["weightStd"] > 0 and "updateRatio" not in first  # read after batch 0's update
    assert "updateRatio" in steps[4]["layers"][model.layers[0].name]
    assert events[-1]["type"] == "end"


def test_an_error_inside_the_keras_callback_stops_the_recording_not_fit(tmp_path, monkeypatch, capfd):
    from traindx.keras import TraindxCallback
    from traindx.keras.layer_stats import KerasLayerStats

    def broken(*args, **kwargs):
        raise ValueError("planted bug in traindx")

    monkeypatch.setattr(KerasLayerStats, "measure_sampled", broken)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    layers = [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    model = keras.Sequential(layers)
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(
        x, y, epochs=2, batch_size=32, verbose=0, callbacks=[TraindxCallback(out=str(tmp_path / "k.jsonl"))]
    )
    assert len(history.history["loss"]) == 2
    err = capfd.readouterr().err
    assert "stopped recording run" in err and "planted bug in traindx" in err


def test_fit_called_once_per_epoch_is_one_run_with_all_its_epochs(tmp_path):
    """A later fit of the same model continues its run (epochs numbered on), a new model's fit
    starts the next one; an error after training ends the process, not the runs' training."""
    out = tmp_path / "loop.jsonl"
    done = run_traindx(
        ["run", "--out", str(out), "--", str(SCRIPTS / "keras_fit_per_epoch.py"), "--fail-after"]
    )
    assert done.returncode == 1 and "planted failure after training" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop-2.jsonl", "loop.jsonl"]
    events = read_trace(out)
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [0, 1, 2, 3] and [e["step"] for e in epochs] == [7, 15, 23, 31]
    assert all("val" in e for e in epochs)
    assert [e["step"] for e in events if e["type"] == "step"] == list(range(32))
    # One fit's epochs=1 is not the run's budget; the loop's `range(4)` around it is.
    assert events[0]["epochs"] == 4
    assert events[-1]["type"] == "end" and events[-1]["status"] == "completed"
    second = read_trace(tmp_path / "loop-2.jsonl")
    assert second[0]["epochs"] == 2 and [e["epoch"] for e in second if e["type"] == "epoch"] == [0, 1]
    assert second[-1]["status"] == "completed"
    results = diagnose_all([out, tmp_path / "loop-2.jsonl"])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]


def test_a_train_on_batch_loop_is_recorded_and_trains_as_without_traindx(tmp_path):
    """Keras train_on_batch in the script's own loop: each call is a step of the model's run
    (described after the first call builds the model), and the losses are those without traindx."""
    script = str(SCRIPTS / "keras_train_on_batch.py")
    bare = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=600)
    assert bare.returncode == 0, bare.stderr
    healthy, scaled = tmp_path / "healthy.jsonl", tmp_path / "scaled.jsonl"
    watched = run_traindx(["run", "--out", str(healthy), "--", script])
    assert watched.returncode == 0, watched.stderr
    assert [s for s in watched.stdout.splitlines() if s.startswith("last loss")] == [
        s for s in bare.stdout.splitlines() if s.startswith("last loss")
    ]
    assert run_traindx(["run", "--out", str(scaled), "--", script, "--scale", "300"]).returncode == 0
    events = read_trace(healthy)
    run = events[0]
    assert run["batchSize"] == 64 and run["task"] == "classification"
    assert run["dataset"]["inputShape"] == [12] and "trainSize" not in run["dataset"]  # one batch seen
    assert run["epochs"] == 3  # the script's `for _ in range(3)` around its batches (planned_epochs.py)
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(48)) and all("accuracy" in e["metrics"] for e in steps)
    assert [e["step"] for e in steps if "layers" in e] == [0, 10, 20, 30, 40]
    assert "actMean" in steps[10]["layers"][run["model"]["layers"][0]["name"]]
    results = diagnose_all([healthy, scaled])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    assert top_cause(results[1][1]) == "unnormalized_inputs"
    assert not any(c["id"] == "unnormalized_inputs" for c in results[0][1].get("causes") or [])


@pytest.mark.parametrize("mode", ["eager", "function"])
def test_a_gradient_tape_loop_is_recorded_and_trains_as_without_traindx(tmp_path, mode):
    """A loop of the script's own (tf.GradientTape, optimizer.apply_gradients, tf.data batches),
    run eagerly or traced by @tf.function: each apply is a step with the tape's loss and the
    applied gradients' norm, sampled steps carry layer statistics taken around the update, the
    dataset's passes are epochs, and the losses are those without traindx. Inputs scaled by 300
    are diagnosed as unnormalized."""
    script = str(SCRIPTS / "keras_gradient_tape.py")
    flags = ["--function"] if mode == "function" else []
    bare = subprocess.run([sys.executable, script, *flags], capture_output=True, text=True, timeout=600)
    assert bare.returncode == 0, bare.stderr
    healthy, scaled = tmp_path / "healthy.jsonl", tmp_path / "scaled.jsonl"
    watched = run_traindx(["run", "--out", str(healthy), "--", script, *flags])
    assert watched.returncode == 0, watched.stderr
    assert "stopped recording" not in watched.stderr, watched.stderr
    assert [s for s in watched.stdout.splitlines() if s.startswith("last loss")] == [
        s for s in bare.stdout.splitlines() if s.startswith("last loss")
    ]
    assert run_traindx(["run", "--out", str(scaled), "--", script, *flags, "--scale", "300"]).returncode == 0
    events = read_trace(healthy)
    run = events[0]
    assert run["framework"] == "keras" and run["task"] == "classification" and run["epochs"] == 3
    assert run["loss"] == "sparse_categorical_crossentropy" and run["fromLogits"] is True
    assert run["optimizer"]["name"] == "adam" and run["batchSize"] == 64
    assert run["dataset"]["inputShape"] == [12] and sum(run["dataset"]["classCounts"]) == 64
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(24))
    assert all(e["loss"] > 0 and e["gradNorm"] > 0 for e in steps)
    # The printed last loss is the last step's (six digits in the trace).
    last = float(watched.stdout.split("last loss")[1].split()[0])
    assert abs(steps[-1]["loss"] - last) <= 1e-5 * last
    sampled = [e for e in steps if "layers" in e]
    assert [e["step"] for e in sampled] == [0, 10, 20]
    assert all(0 < e["layers"]["dense"]["updateRatio"] < 0.1 for e in sampled[1:])  # copied before the update
    assert "deadFraction" in sampled[1]["layers"]["dense"]
    assert [(e["epoch"], e["step"]) for e in events if e["type"] == "epoch"] == [(0, 7), (1, 15), (2, 23)]
    results = diagnose_all([healthy, scaled])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    assert top_cause(results[1][1]) == "unnormalized_inputs"
    assert not any(c["id"] == "unnormalized_inputs" for c in results[0][1].get("causes") or [])


def test_a_gradient_tape_loop_over_numpy_slices_gets_the_epochs_of_its_loop(tmp_path):
    """The same loop with batches sliced from the numpy arrays by hand: no tf.data pass ends an
    epoch, the script's `for epoch in range(3)` does (its last pass at the run's end)."""
    script = str(SCRIPTS / "keras_gradient_tape.py")
    out = tmp_path / "numpy.jsonl"
    watched = run_traindx(["run", "--out", str(out), "--", script, "--numpy"])
    assert watched.returncode == 0, watched.stderr
    events = read_trace(out)
    assert events[0]["epochs"] == 3
    assert [e["step"] for e in events if e["type"] == "step"] == list(range(24))
    assert [(e["epoch"], e["step"]) for e in events if e["type"] == "epoch"] == [(0, 7), (1, 15), (2, 23)]


def test_a_tf_data_pipeline_is_described_from_its_arrays_and_trains_as_without_traindx(tmp_path):
    """Keras gets a shuffled `tf.data` pipeline: the data facts, the probe and the eval event
    come from the arrays it was built on, read without iterating it, so the shuffle's order,
    and with it every loss, is the one the same seeds give without traindx."""
    import tensorflow as tf

    from traindx.keras import TraindxCallback

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(600, 6)) * 40 + 100).astype("float32")
    y = (x[:, 0] > 100).astype("int64") + (x[:, 1] > 120).astype("int64")
    out = tmp_path / "pipeline.jsonl"

    def fit(watched: bool) -> list[float]:
        keras.utils.set_random_seed(0)
        train = (
            tf.data.Dataset.from_tensor_slices((x[:480], y[:480])).shuffle(480, seed=1).batch(32).prefetch(2)
        )
        val = tf.data.Dataset.from_tensor_slices((x[480:], y[480:])).batch(64)
        layers = [
            keras.Input((6,)),
            keras.layers.Dense(16, activation="relu", name="hidden"),
            keras.layers.Dense(3),
        ]
        model = keras.Sequential(layers)
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        callbacks = [TraindxCallback(out=str(out), x=train, validation_data=val, every=5)] if watched else []
        return model.fit(train, validation_data=val, epochs=3, verbose=0, callbacks=callbacks).history["loss"]

    assert fit(True) == fit(False)
    events = read_trace(out)
    run = events[0]
    assert run["batchSize"] == 32
    dataset = run["dataset"]
    assert dataset["trainSize"] == 480 and dataset["valSize"] == 120
    assert sum(dataset["classCounts"]) == 480 and dataset["inputStats"]["mean"] == pytest.approx(
        float(x[:480].mean()), rel=1e-4
    )
    assert "actMean" in next(e for e in events if e["type"] == "step")["layers"]["hidden"]
    evaluation = next(e for e in events if e["type"] == "eval")
    assert sum(map(sum, evaluation["confusion"])) == 120
    code, body, err = diagnose_all([out])[0]
    assert code == 0, err
    assert top_cause(body) == "unnormalized_inputs"


@pytest.mark.parametrize("source", ["generator", "pydataset"])
def test_fit_on_a_generator_or_a_py_dataset_is_described_from_its_first_batch(tmp_path, source):
    """Keras reads a stream's first batch itself (a generator's adapter peeks at it, a PyDataset's
    puts it through `_standardize_batch`): that read gives the data facts and the probe, so
    planted unscaled inputs are diagnosed, and the losses stay those without traindx."""
    script = str(SCRIPTS / "keras_streams.py")
    bare = subprocess.run(
        [sys.executable, script, "--source", source], capture_output=True, text=True, timeout=600
    )
    assert bare.returncode == 0, bare.stderr
    healthy, scaled = tmp_path / "healthy.jsonl", tmp_path / "scaled.jsonl"
    watched = run_traindx(["run", "--out", str(healthy), "--", script, "--source", source])
    assert watched.returncode == 0, watched.stderr
    losses = [s for s in bare.stdout.splitlines() if s.startswith("losses")]
    assert losses and [s for s in watched.stdout.splitlines() if s.startswith("losses")] == losses
    done = run_traindx(["run", "--out", str(scaled), "--", script, "--source", source, "--scale", "300"])
    assert done.returncode == 0, done.stderr
    events = read_trace(healthy)
    run = events[0]
    assert run["batchSize"] == 64
    dataset = run["dataset"]
    assert dataset["inputShape"] == [12] and "trainSize" not in dataset  # one batch seen
    assert sum(dataset["classCounts"]) == 64 and abs(dataset["inputStats"]["mean"]) < 1
    first = run["model"]["layers"][0]["name"]
    assert "actMean" in next(e for e in events if e["type"] == "step" and "layers" in e)["layers"][first]
    results = diagnose_all([healthy, scaled])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    assert top_cause(results[1][1]) == "unnormalized_inputs"
    assert not any(c["id"] == "unnormalized_inputs" for c in results[0][1].get("causes") or [])
