"""Mixed precision (amp_scaler.py): each step under a torch.amp.GradScaler carries the scale its
gradients were computed with (`lossScale`) and whether the scaler skipped it (`stepSkipped`); a
skipped step, which never reaches the optimizer, is still written, with its non-finite gradients,
and every step's loss is the model's, not the scaled one backward was called on."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import traindx

from conftest import diagnose, read_trace

pytestmark = pytest.mark.skipif(
    not hasattr(torch.amp, "GradScaler"), reason="torch.amp.GradScaler (torch >= 2.3)"
)


def _train(path, poison_steps=(), steps=6, every=2):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    losses = []
    with traindx.init(out=str(path), every=every) as run:
        run.watch(model, opt)
        for step in range(steps):
            xb = x.clone()
            if step in poison_steps:
                xb[0, 0] = float("inf")  # one overflowing input: every gradient turns non-finite
            opt.zero_grad()
            with torch.autocast("cpu", dtype=torch.float16):
                loss = nn.functional.cross_entropy(model(xb), y)
            losses.append(loss.item())
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
    return [e for e in read_trace(path) if e["type"] == "step"], losses


def test_each_step_carries_the_scale_it_used_and_the_unscaled_loss(tmp_path):
    steps, losses = _train(tmp_path / "amp.jsonl")
    assert [e["step"] for e in steps] == list(range(6))
    assert all(e["lossScale"] == 65536 and e["stepSkipped"] is False for e in steps)
    # The model's loss, not 65536 times it.
    for e, loss in zip(steps, losses):
        assert e["loss"] == pytest.approx(loss, rel=1e-4)


def test_a_step_the_scaler_skipped_is_written_with_its_gradients_and_the_scale_halves(tmp_path):
    path = tmp_path / "skip.jsonl"
    steps, _ = _train(path, poison_steps={2})
    assert [e["step"] for e in steps] == list(range(6))
    skipped = [e["step"] for e in steps if e["stepSkipped"]]
    assert skipped == [2]
    assert [e["lossScale"] for e in steps] == [65536, 65536, 65536, 32768, 32768, 32768]
    bad = steps[2]
    # (the trace writes NaN and Infinity as strings)
    assert not math.isfinite(float(bad["gradNorm"])) and "layers" in bad  # step 2 is sampled (every=2)
    # The scaler left the weights as they were: no update on the skipped step.
    assert all(float(s.get("updateRatio", 0)) == 0 for s in bad["layers"].values())
    code, _, err = diagnose(path)
    assert code == 0, err  # the TypeScript reader accepts the fields


def test_a_run_without_a_scaler_has_neither_field(tmp_path):
    path = tmp_path / "plain.jsonl"
    torch.manual_seed(0)
    model = nn.Linear(4, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with traindx.init(out=str(path), every=2) as run:
        run.watch(model, opt)
        for _ in range(3):
            opt.zero_grad()
            nn.functional.cross_entropy(model(torch.randn(8, 4)), torch.randint(0, 2, (8,))).backward()
            opt.step()
    steps = [e for e in read_trace(path) if e["type"] == "step"]
    assert len(steps) == 3 and not any("lossScale" in e or "stepSkipped" in e for e in steps)


def test_a_non_finite_loss_on_a_skipped_step_is_no_divergence_and_not_in_the_epoch_loss(tmp_path):
    path = tmp_path / "nan.jsonl"
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    with traindx.init(out=str(path), every=2) as run:
        run.watch(model, opt)
        for step in range(4):
            xb = x.clone()
            if step == 1:
                xb[0, 0] = float("nan")  # a NaN loss: the scaler skips the step
            opt.zero_grad()
            with torch.autocast("cpu", dtype=torch.float16):
                loss = nn.functional.cross_entropy(model(xb), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        run.log_epoch(0)
    events = read_trace(path)
    steps = [e for e in events if e["type"] == "step"]
    assert steps[1]["stepSkipped"] is True and steps[1]["loss"] == "NaN"
    epoch = next(e for e in events if e["type"] == "epoch")
    assert math.isfinite(epoch["train"]["loss"])
    assert events[-1]["status"] == "completed"


def test_traindx_run_records_every_iteration_of_a_scaled_loop_from_its_first_skipped_step(tmp_path):
    """The zero-code runner: the scaler's wrappers are in place before the first optimizer step,
    so the start-up steps it skips (65536 is too large a scale for this model) are written too."""
    from conftest import REPO, run_traindx

    out = tmp_path / "amp.jsonl.gz"
    script = str(REPO / "bench" / "pyfaults" / "mixed-precision" / "fp16_overflow.py")
    done = run_traindx(["run", "--out", str(out), "--", script, "--stable-loss", "--epochs", "2"])
    assert done.returncode == 0, done.stderr
    events = read_trace(out)
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(64))  # 32 batches a epoch, none missing
    assert all(isinstance(e["lossScale"], float) and isinstance(e["stepSkipped"], bool) for e in steps)
    finite = [e["loss"] for e in steps if isinstance(e["loss"], float)]
    assert finite and max(finite) < 10  # the model's cross-entropy, not 65536 times it
    assert events[-1]["status"] == "completed"
