"""The run event's learning rate is the rate the run is configured to train at, also under a
scheduler whose first steps run far below it (a warm-up); each step event keeps its own rate."""

from __future__ import annotations

import torch
from torch import nn

import traindx
from traindx.pytorch.optimizer_facts import configured_rate

from conftest import read_trace


def test_a_warm_up_does_not_hide_the_configured_rate(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.Adam(model.parameters(), lr=3e-2)
    warm_up = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / 20))
    path = tmp_path / "warm.jsonl"
    with traindx.init(out=str(path), every=5) as run:
        run.watch(model, opt)
        for _ in range(6):
            opt.zero_grad()
            nn.functional.cross_entropy(model(torch.randn(8, 4)), torch.randint(0, 2, (8,))).backward()
            opt.step()
            warm_up.step()
    events = read_trace(path)
    assert events[0]["optimizer"]["learningRate"] == 3e-2
    steps = [e for e in events if e["type"] == "step"]
    assert steps[0]["learningRate"] == 1.5e-3 and steps[5]["learningRate"] == 9e-3


def test_a_one_cycle_schedule_is_described_by_its_peak():
    opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=100)
    assert opt.param_groups[0]["lr"] < 0.05
    assert configured_rate(opt.param_groups[0]) == 0.5
    assert configured_rate({"lr": 0.01}) == 0.01
