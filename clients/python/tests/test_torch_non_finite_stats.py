"""A step whose numbers go non-finite: the per-layer statistics of the step vector are written as
the trace's NaN/Infinity strings and each layer's nanCount equals the NaN/Inf values counted here
independently in its weights (after the update), its gradients and its output (where the output
is tapped: a Linear's goes straight into the ReLU after it, which stands for it)."""

from __future__ import annotations

import math

import torch
from torch import nn

import traindx

from conftest import read_trace


def _non_finite(t: torch.Tensor) -> int:
    return int((~torch.isfinite(t.detach())).sum())


def test_a_non_finite_step_counts_what_went_non_finite(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 5), torch.randint(0, 3, (8,))
    x[2, 1] = math.inf  # one input value: row 2 of every layer's output is non-finite
    path = tmp_path / "nan.jsonl"
    with traindx.init(out=str(path), every=1) as run:
        run.watch(model, opt, histogram_every=0)
        with torch.no_grad():
            outputs, h = {}, x
            for name, module in model.named_children():
                h = module(h)
                outputs[name] = h.clone()
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        grads = {n: [p.grad.clone() for p in m.parameters()] for n, m in model.named_children()}
        opt.step()

    step = next(e for e in read_trace(path) if e["type"] == "step")
    assert step["loss"] == "NaN"
    for name, module in model.named_children():
        # Layer 0's output goes straight into the ReLU "1", whose output stands for it.
        want = _non_finite(outputs[name]) if name != "0" else 0
        want += sum(_non_finite(p) for p in module.parameters())
        want += sum(_non_finite(g) for g in grads[name])
        got = step["layers"][name]
        assert want > 0
        assert got["nanCount"] == want, name
    assert step["layers"]["0"]["gradNorm"] == "NaN"
    assert "actMean" not in step["layers"]["0"]
    assert step["layers"]["1"]["actMean"] in ("NaN", "Infinity", "-Infinity")
