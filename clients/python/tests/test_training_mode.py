"""The model's train/eval mode on sampled steps (`training`, trace-format-extensions.md): a loop
that calls model.eval() and never calls model.train() again shows it from that step on."""

from __future__ import annotations

import torch
from torch import nn

import traindx

from conftest import diagnose, read_trace


def test_sampled_steps_record_whether_the_model_was_training(tmp_path):
    path = tmp_path / "mode.jsonl"
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    with traindx.init(out=str(path), every=2) as run:
        run.watch(model, opt)
        for step in range(8):
            if step == 3:
                model.eval()  # e.g. a validation pass whose model.train() was forgotten
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    steps = [e for e in read_trace(path) if e["type"] == "step"]
    assert [(e["step"], e.get("training")) for e in steps] == [
        (0, True),
        (1, None),
        (2, True),
        (3, None),
        (4, False),
        (5, None),
        (6, False),
        (7, None),
    ]
    code, _, err = diagnose(path)
    assert code == 0, err  # the TypeScript reader accepts the field


def test_log_takes_the_flag_and_leaves_it_out_when_not_given(tmp_path):
    path = tmp_path / "log.jsonl"
    with traindx.init(out=str(path)) as run:
        run.log(0, loss=1.0, training=False)
        run.log(1, loss=0.9)
    steps = [e for e in read_trace(path) if e["type"] == "step"]
    assert steps[0]["training"] is False and "training" not in steps[1]
