"""run.watch on a PyTorch loop: per-layer statistics equal numbers computed here independently
(numpy, float64), and the training itself is not changed by a single bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

import traindx
from traindx.pytorch import step_vector

from conftest import read_trace, untimed

EVERY = 2
STEPS = 5


def make_model() -> nn.Sequential:
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 3))


def batches() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(5)
    return [
        (torch.randn(16, 6, generator=g) * 2, torch.randint(0, 3, (16,), generator=g)) for _ in range(STEPS)
    ]


def as_np(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().numpy().copy()


def train(model: nn.Sequential, run: traindx.Run | None) -> tuple[list[float], dict[int, dict]]:
    """Five SGD steps with momentum; without a run, records what each sampled step should say."""
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    if run is not None:
        run.watch(model, opt, every=EVERY)
    losses: list[float] = []
    expected: dict[int, dict] = {}
    for step, (x, y) in enumerate(batches()):
        sampled = run is None and step % EVERY == 0
        if sampled:
            before = {n: as_np(m.weight) for n, m in model.named_children() if isinstance(m, nn.Linear)}
            with torch.no_grad():
                h, acts = x, {}
                for name, module in model.named_children():
                    h = module(h)
                    acts[name] = as_np(h)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        grads = {
            n: np.concatenate([as_np(m.weight.grad).ravel(), as_np(m.bias.grad).ravel()])
            for n, m in model.named_children()
            if isinstance(m, nn.Linear)
        }
        opt.step()
        losses.append(loss.item())
        if run is None:  # every step's global norm; layer statistics on the sampled ones
            expected[step] = layer_truth(model, acts, grads, before) if sampled else {}
            expected[step]["__gradNorm"] = math.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    return losses, expected


def layer_truth(model: nn.Sequential, acts: dict, grads: dict, before: dict) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    children = list(model.named_children())
    for k, (name, module) in enumerate(children):
        a = acts[name]
        # A Linear whose output goes straight into an activation module is judged by that
        # module's output alone (activation_taps.py, ActivationTaps.tapped).
        feeds_activation = k + 1 < len(children) and isinstance(children[k + 1][1], (nn.ReLU, nn.Sigmoid))
        s = {} if feeds_activation else {"actMean": a.mean(), "actStd": a.std()}
        if isinstance(module, nn.ReLU):
            s["deadFraction"] = float((a.max(axis=0) <= 0).mean())
        if isinstance(module, nn.Sigmoid):
            s["saturatedFraction"] = float((np.abs(a - 0.5) > 0.49).mean())
        if isinstance(module, nn.Linear):
            w, b, g = as_np(module.weight), as_np(module.bias), grads[name]
            s.update(
                weightNorm=np.linalg.norm(w),
                weightMean=w.mean(),
                weightStd=w.std(),
                weightMaxAbs=np.abs(w).max(),
                biasMean=b.mean(),
                biasStd=b.std(),
                gradNorm=np.linalg.norm(g),
                gradMean=g.mean(),
                gradStd=g.std(),
                gradMaxAbs=np.abs(g).max(),
                updateRatio=np.linalg.norm(w - before[name]) / np.linalg.norm(w),
            )
            following = dict(model.named_children()).get(str(int(name) + 1))
            if isinstance(following, nn.ReLU):  # zeros are counted where dead ReLU units zero them
                s["zeroGradFraction"] = float((g == 0).mean())
        out[name] = s
    return out


@pytest.fixture(params=["numpy", "torch"])
def reductions(request, monkeypatch):
    """On CPU the non-zero and dead-unit counts are numpy's (step_vector.py); without numpy (torch
    does not require it) the torch reductions take them: both must give the same numbers."""
    if request.param == "torch":
        monkeypatch.setattr(step_vector, "np", None)
    return request.param


def test_per_layer_statistics_equal_independent_numbers(tmp_path, reductions):
    watched, reference = make_model(), make_model()
    path = tmp_path / "watched.jsonl"
    with traindx.init(out=str(path), name="stats") as run:
        train(watched, run)
    ref_losses, truth = train(reference, None)

    events = read_trace(path)
    steps = {e["step"]: e for e in events if e["type"] == "step"}
    assert sorted(steps) == list(range(STEPS))
    assert [s for s, e in steps.items() if "layers" in e] == [0, 2, 4]
    for step, layers in truth.items():
        event = steps[step]
        assert event["loss"] == pytest.approx(ref_losses[step], rel=1e-5)
        assert event["learningRate"] == 0.5
        assert event["gradNorm"] == pytest.approx(layers.pop("__gradNorm"), rel=1e-4)
        for name, fields in layers.items():
            got = event["layers"][name]
            assert got["nanCount"] == 0
            assert ("actMean" in got) == ("actMean" in fields), (step, name)
            for field, want in fields.items():
                # float32 sums on the device, six digits in the trace; a mean or spread near 0 is
                # judged against the tensor's own scale (its norm over √n).
                scale = abs(fields.get("weightStd", 0)) + abs(fields.get("actStd", 0))
                assert got[field] == pytest.approx(want, rel=2e-4, abs=1e-5 * scale + 1e-9), (
                    step,
                    name,
                    field,
                )
    assert untimed(events[-1]) == {"type": "end", "status": "completed", "step": STEPS - 1}


def test_watching_changes_no_bit_of_the_training(tmp_path):
    watched, reference = make_model(), make_model()
    rng = torch.random.get_rng_state()
    with traindx.init(out=str(tmp_path / "t.jsonl")) as run:
        losses, _ = train(watched, run)
    assert torch.equal(torch.random.get_rng_state(), rng)  # no random draw of its own
    ref_losses, _ = train(reference, None)
    assert losses == ref_losses
    for a, b in zip(watched.parameters(), reference.parameters()):
        assert torch.equal(a, b)
