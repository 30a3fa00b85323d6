"""Validation passes of plain PyTorch loops (validation.py): the loss a loop computes without
training on it becomes the `val` of the epoch it follows, equal to what the script computes
itself, so that `traindx run` on an unchanged script can show overfitting; a loss the loop
trains on is never taken for one."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from conftest import SCRIPTS, diagnose, read_trace, run_traindx, top_cause

SCRIPT = str(SCRIPTS / "torch_validation.py")


def _printed(stdout: str, kind: str = "VAL") -> list[tuple[float, ...]]:
    return [
        tuple(float(v) for v in line.split()[1:])
        for line in stdout.splitlines()
        if line.startswith(kind + " ")
    ]


def _recorded(tmp_path, style: str, *extra: str):
    out = tmp_path / f"{style}.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", SCRIPT, "--style", style, *extra])
    assert done.returncode == 0, done.stderr
    return out, read_trace(out), done.stdout


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=5e-6, abs_tol=1e-9)  # six significant digits: within 5e-6


@pytest.mark.parametrize("style", ["no_grad", "nll_sum", "eval_grad", "three_splits"])
def test_each_validation_pass_is_the_val_of_its_epoch(tmp_path, style):
    """With a DataLoader (a loss module, or the MNIST example's summed nll_loss) and without one
    (batches sliced by hand, model.eval() without no_grad): the epochs' val loss and accuracy
    are the ones the script prints, epoch by epoch, the last epoch's included. A script that
    also evaluates its training loader and a test loader gets the validation loader's."""
    _, events, stdout = _recorded(tmp_path, style, "--epochs", "3")
    passes, trained = _printed(stdout), _printed(stdout, "TRAIN")
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [0, 1, 2]
    assert len(passes) == 3
    for event, (loss, accuracy) in zip(epochs, passes):
        assert _close(event["val"]["loss"], loss), (event, loss)
        assert _close(event["val"]["accuracy"], accuracy), (event, accuracy)
        assert event["train"]["loss"] > 0
    # The training accuracy over each epoch's batches; `traindx run` meets the run at its first
    # step, so epoch 0's leaves out the first batch.
    assert 0 < epochs[0]["train"]["accuracy"] < 1
    for event, (accuracy,) in zip(epochs[1:], trained[1:]):
        assert _close(event["train"]["accuracy"], accuracy), (event, accuracy)
    # The classifier's eval event: the last pass's predictions, all 600 validation examples.
    (evaluation,) = [e for e in events if e["type"] == "eval"]
    assert sum(map(sum, evaluation["confusion"])) == 600
    assert _close(evaluation["metrics"]["accuracy"], passes[-1][1])
    assert events[-1]["type"] == "end" and events[-1]["status"] == "completed"


def test_a_loop_that_trains_in_eval_mode_gets_no_invented_validation(tmp_path):
    """model.eval() left on while training: its losses look like an evaluation's until backward
    is called on them, and then they are not one."""
    _, events, _ = _recorded(tmp_path, "train_in_eval", "--epochs", "3")
    epochs = [e for e in events if e["type"] == "epoch"]
    assert len(epochs) == 3 and not any("val" in e for e in epochs)
    # Its losses are training losses (backward follows each): they count for its accuracy.
    assert all(0 < e["train"]["accuracy"] <= 1 for e in epochs[1:])
    assert not any(e["type"] == "eval" for e in events)


def test_recording_the_validation_changes_no_loss():
    """The wrapped loss functions return what the originals return: the last training loss and
    every validation number are bit-identical with and without traindx."""
    args = [SCRIPT, "--style", "no_grad", "--epochs", "2"]
    bare = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)
    watched = run_traindx(["run", "--", *args])
    assert bare.returncode == 0 and watched.returncode == 0, bare.stderr + watched.stderr
    for kind in ("VAL", "TRAIN", "LAST"):
        assert _printed(bare.stdout, kind) == _printed(watched.stdout, kind), kind


def test_overfitting_of_an_unchanged_loop_is_diagnosed(tmp_path):
    """A large model on 256 noisy examples for 40 epochs: the training loss falls towards 0 while
    the validation loss climbs. Before validation passes were read, `traindx run` called this
    run healthy; a run on 4,096 examples for 4 epochs is still called healthy."""
    overfit, _, _ = _recorded(tmp_path, "no_grad", "--epochs", "40", "--train-size", "256")
    healthy = tmp_path / "healthy.jsonl"
    done = run_traindx(["run", "--out", str(healthy), "--", SCRIPT, "--epochs", "4", "--train-size", "4096"])
    assert done.returncode == 0, done.stderr
    code, body, err = diagnose(overfit)
    assert code == 0, err
    assert top_cause(body) == "insufficient_regularization"
    assert any(s["id"] == "overfitting" for s in body["symptoms"])
    code, body, err = diagnose(healthy)
    assert code == 0, err
    assert not any(s["id"] == "overfitting" for s in body.get("symptoms") or [])


def test_torchscript_still_compiles_modules_that_compute_a_loss():
    """TorchScript compiles a loss function's source, found through the wrapper's `__wrapped__`,
    and resolves its names through the wrapper: the wrapper keeps torch.nn.functional's globals."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    from traindx.pytorch import capture

    class WithLoss(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.Linear(4, 3)
            self.criterion = nn.CrossEntropyLoss()

        def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            out = self.layer(x)
            return self.criterion(out, y) + F.nll_loss(F.log_softmax(out, 1), y)

    capture.install()
    try:
        assert F.cross_entropy.__wrapped__ is not None  # the wrapped function is the one scripted
        model = WithLoss()
        x, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1])
        assert torch.equal(torch.jit.script(model)(x, y), model(x, y))
    finally:
        capture.uninstall()


def test_accumulated_gradients_give_the_loss_the_loop_computes_not_its_share(tmp_path):
    """`(loss / 2).backward()` over two batches per step: the step's loss is the mean of the loss
    function's two values (the tensor backward got is half of one), so the epoch's training loss
    is on the scale of its validation loss, as the script's own mean is."""
    _, events, stdout = _recorded(tmp_path, "accumulate", "--epochs", "3")
    epochs = [e for e in events if e["type"] == "epoch"]
    losses, passes = _printed(stdout, "LOSS"), _printed(stdout)
    # Epoch 0's first step is taken before `traindx run` finds the run: its loss is the share.
    for event, (loss,), (val, _) in zip(epochs[1:], losses[1:], passes[1:]):
        assert math.isclose(event["train"]["loss"], loss, rel_tol=1e-5), (event, loss)
        assert _close(event["val"]["loss"], val)


def test_a_loss_of_the_loops_own_gives_a_validation_accuracy_and_no_validation_loss(tmp_path):
    """A focal loss built on cross_entropy(reduction="none"): the cross-entropy values the
    validation computes are not the training loss, so no validation loss is written beside the
    training one; the accuracy compares and is written."""
    _, events, stdout = _recorded(tmp_path, "focal", "--epochs", "3")
    epochs = [e for e in events if e["type"] == "epoch"]
    assert len(epochs) == 3
    for event, (_, accuracy) in zip(epochs, _printed(stdout)):
        assert "loss" not in event["val"] and _close(event["val"]["accuracy"], accuracy)


def test_a_validation_that_computes_no_loss_gets_the_accuracy_of_the_models_outputs(tmp_path):
    """The CIFAR-10 tutorial's test loop: `torch.max(outputs.data, 1)` against the labels, no loss
    function called. The model's outputs under no_grad, judged against the labels the validation
    loader gave, are the pass's accuracy and its eval event; no loss is written. The test loader
    the script also evaluates every epoch is left out, as with a loss."""
    _, events, stdout = _recorded(tmp_path, "accuracy_only", "--epochs", "3")
    epochs = [e for e in events if e["type"] == "epoch"]
    passes = _printed(stdout)
    assert len(epochs) == 3 and len(passes) == 3
    for event, (loss, accuracy) in zip(epochs, passes):
        assert math.isnan(loss) and event["val"] == {"accuracy": event["val"]["accuracy"]}
        assert _close(event["val"]["accuracy"], accuracy), (event, accuracy)
    (evaluation,) = [e for e in events if e["type"] == "eval"]
    assert sum(map(sum, evaluation["confusion"])) == 600
    assert _close(evaluation["metrics"]["accuracy"], passes[-1][1])


def test_outputs_computed_without_gradients_inside_training_steps_are_no_validation(tmp_path):
    """A forward of the training batch under no_grad inside each step (pseudo-labels, a teacher
    pass), and no validation: its outputs are not judged as one."""
    _, events, _ = _recorded(tmp_path, "pseudo_labels", "--epochs", "2")
    epochs = [e for e in events if e["type"] == "epoch"]
    assert len(epochs) == 2 and not any("val" in e for e in epochs)
    assert not any(e["type"] == "eval" for e in events)


def test_two_runs_stepping_in_turn_get_no_validation_and_no_training_accuracy(tmp_path):
    """Two models trained in turn on each batch (a GAN's two optimizers): their losses cannot be
    told apart, so neither run gets a validation or a training accuracy made of the other's."""
    out, _, _ = _recorded(tmp_path, "two_models", "--epochs", "3")
    second = out.with_name(out.name.replace(".jsonl", "-2.jsonl"))
    for path in (out, second):
        epochs = [e for e in read_trace(path) if e["type"] == "epoch"]
        assert len(epochs) == 3, path
        assert not any("val" in e or "accuracy" in e.get("train", {}) for e in epochs), epochs


@pytest.mark.parametrize("val_every", [1, 2])
def test_a_loop_without_loader_or_loss_module_gets_its_epochs_and_validation_accuracy(tmp_path, val_every):
    """Batches sliced from a tensor, `F.cross_entropy`, an accuracy counted by the script on the
    whole validation tensor: the epochs are the passes of the script's `for epoch in range(...)`
    (16 steps each), the validation accuracy is the script's own, found through the labels beside
    the validation inputs, and the script's evaluation of its training tensor is left out (it
    shares the training batches' memory). The data facts are the whole training tensor's, found
    beside the batches in the script (data_source.py)."""
    script = str(SCRIPTS / "torch_tensors.py")
    out = tmp_path / "tensors.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script, "--val-every", str(val_every)])
    assert done.returncode == 0, done.stderr
    events = read_trace(out)
    run = events[0]
    assert run["epochs"] == 4 and run["dataset"]["numClasses"] == 4
    assert run["dataset"]["trainSize"] == 800 and sum(run["dataset"]["classCounts"]) == 800
    assert "classCountsSampled" not in run["dataset"]
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [(e["epoch"], e["step"]) for e in epochs] == [(k, 16 * k + 15) for k in range(4)]
    printed = {int(epoch): accuracy for epoch, accuracy in _printed(done.stdout)}
    assert len(printed) == 4 // val_every
    for event in epochs:
        if event["epoch"] + 1 in printed:
            assert event["val"] == {"accuracy": pytest.approx(printed[event["epoch"] + 1], abs=1e-6)}
        else:
            assert "val" not in event
        assert 0 < event["train"]["accuracy"] <= 1
    (evaluation,) = [e for e in events if e["type"] == "eval"]
    assert sum(map(sum, evaluation["confusion"])) == 200


@pytest.mark.parametrize("style", ["iters", "loader", "wide"])
def test_the_training_data_evaluated_beside_the_validation_data_is_no_validation(tmp_path, style):
    """nanoGPT's `estimate_loss()` evaluates random batches of both splits in one pass under
    no_grad; a DataLoader loop may end its epoch with the loss of (a copy of) the whole training
    tensor beside the validation tensor's. Their rows are the training set's (training_rows.py):
    the epochs' val loss is the validation split's alone, as the script prints it, not a mix of
    the two splits that halves an overfitting gap. A training set found too wide (`wide`: batches
    sliced from the tensor that holds the validation rows too) costs the validation nothing."""
    script = str(SCRIPTS / "torch_estimate_loss.py")
    out = tmp_path / f"{style}.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script, "--style", style])
    assert done.returncode == 0, done.stderr
    val = [loss for (loss,) in _printed(done.stdout)]
    train = [loss for (loss,) in _printed(done.stdout, "TRAIN")]
    assert len(val) == len(train) == 3
    assert all(abs(v - t) > 1e-3 for v, t in zip(val, train))  # the mix would show
    epochs = [e for e in read_trace(out) if e["type"] == "epoch"]
    assert len(epochs) == 3
    for event, loss in zip(epochs, val):
        assert _close(event["val"]["loss"], loss), (event, loss)


def test_a_validation_loader_that_shares_rows_with_the_training_set_is_still_the_validation(tmp_path):
    """A validation DataLoader whose set holds a hundred training rows (a leak between the splits):
    its batches are its split's, every one of them counted, as the script counts them."""
    script = str(SCRIPTS / "torch_estimate_loss.py")
    out = tmp_path / "overlap.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script, "--style", "overlap"])
    assert done.returncode == 0, done.stderr
    val = [loss for (loss,) in _printed(done.stdout)]
    epochs = [e for e in read_trace(out) if e["type"] == "epoch"]
    assert len(val) == len(epochs) == 3
    for event, loss in zip(epochs, val):
        assert _close(event["val"]["loss"], loss), (event, loss)


@pytest.mark.parametrize("style", ["inline", "helper"])
def test_full_batch_training_has_an_epoch_per_step_and_the_whole_set_as_its_data(tmp_path, style):
    """A loop that trains on the whole training tensor each step (planned_epochs.same_each_pass):
    its one loop is the loop over epochs (planned: 30; an epoch per step), the data facts are the
    training tensor's own (not the wider tensor it was sliced from, which holds the validation
    rows too) and its class counts are no sample; the validation losses land on their epochs."""
    script = str(SCRIPTS / "torch_full_batch.py")
    out = tmp_path / f"{style}.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script, "--style", style])
    assert done.returncode == 0, done.stderr
    events = read_trace(out)
    run = events[0]
    assert run["epochs"] == 30 and run["batchSize"] == 240
    assert run["dataset"]["trainSize"] == 240 and sum(run["dataset"]["classCounts"]) == 240
    assert "classCountsSampled" not in run["dataset"]
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [(e["epoch"], e["step"]) for e in epochs] == [(k, k) for k in range(30)]
    printed = {int(epoch): loss for epoch, loss in _printed(done.stdout)}
    assert sorted(printed) == [9, 19, 29]
    for event in epochs:
        if event["epoch"] in printed:
            assert _close(event["val"]["loss"], printed[event["epoch"]]), event
        else:
            assert "val" not in event


def test_a_loader_that_fetches_a_batch_ahead_ends_its_epoch_after_the_last_step(tmp_path):
    """accelerate's DataLoaderShard ends the underlying loader's pass while handing out the last
    batch, before the step on it: the epoch still ends after that step (32 batches of 1000
    examples: steps 31, 63, 95), and each epoch's val is the pass that followed it, the last
    epoch's included."""
    script = str(SCRIPTS / "torch_accelerate.py")
    out = tmp_path / "accelerate.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script])
    assert done.returncode == 0, done.stderr
    printed = {int(epoch): loss for epoch, loss in _printed(done.stdout)}
    epochs = [e for e in read_trace(out) if e["type"] == "epoch"]
    assert [(e["epoch"], e["step"]) for e in epochs] == [(0, 31), (1, 63), (2, 95)]
    for event in epochs:
        assert _close(event["val"]["loss"], printed[event["epoch"]]), event


def test_a_language_models_estimate_loss_over_windows_of_a_token_stream_gets_the_val_splits_loss(tmp_path):
    """Karpathy's GPT lessons' loop: batches of windows of a 1-D token stream, the loss inside the
    model's forward, `estimate_loss()` over both splits. The windows of the training stream are
    told from the validation stream's (training_rows.TrainingWindows), before the forward that
    computes the loss: each estimate's val is the validation split's, as the script prints it."""
    script = str(SCRIPTS / "torch_token_windows.py")
    out = tmp_path / "lm.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", script])
    assert done.returncode == 0, done.stderr
    val = [loss for (loss,) in _printed(done.stdout)]
    train = [loss for (loss,) in _printed(done.stdout, "TRAIN")]
    assert len(val) == len(train) == 3 and all(abs(v - t) > 1e-3 for v, t in zip(val, train))
    epochs = [e for e in read_trace(out) if e["type"] == "epoch"]
    assert len(epochs) == 3
    for event, loss in zip(epochs, val):
        assert _close(event["val"]["loss"], loss), (event, loss)
