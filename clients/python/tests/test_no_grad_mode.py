"""Validation without model.eval() (no_grad_mode.py): forward passes of the watched model under
torch.no_grad() while it is in training mode are counted and written on the epoch event they
follow as `noGradForwardsInTrainMode`, only for a model whose Dropout or BatchNorm makes the mode matter."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import traindx

from conftest import diagnose, read_trace


def _train(path, model, *, call_eval):
    torch.manual_seed(0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    data = TensorDataset(torch.randn(64, 4), torch.randint(0, 2, (64,)))
    train, val = DataLoader(data, batch_size=16), DataLoader(data, batch_size=32)
    with traindx.init(out=str(path), every=2) as run:
        run.watch(model, opt)
        for _ in range(3):
            model.train()
            for xb, yb in train:
                opt.zero_grad()
                nn.functional.cross_entropy(model(xb), yb).backward()
                opt.step()
            if call_eval:
                model.eval()
            with torch.no_grad():  # a validation pass of two batches
                for xb, _ in val:
                    model(xb)
    return [e for e in read_trace(path) if e["type"] == "epoch"]


def _dropout_model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))


def test_forwards_without_gradients_in_training_mode_are_counted_on_their_epoch(tmp_path):
    path = tmp_path / "no-eval.jsonl"
    epochs = _train(path, _dropout_model(), call_eval=False)
    # Epoch k's event waits for the next training step (or the run's end): its validation
    # pass, which comes after its training loader ends, is counted on it.
    assert [(e["epoch"], e.get("noGradForwardsInTrainMode")) for e in epochs] == [(0, 2), (1, 2), (2, 2)]
    code, _, err = diagnose(path)
    assert code == 0, err  # the TypeScript reader accepts the field


def test_validation_in_evaluation_mode_and_a_model_without_dropout_write_nothing(tmp_path):
    with_eval = _train(tmp_path / "eval.jsonl", _dropout_model(), call_eval=True)
    plain = _train(
        tmp_path / "plain.jsonl", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), call_eval=False
    )
    for epochs in (with_eval, plain):
        assert len(epochs) == 3 and not any("noGradForwardsInTrainMode" in e for e in epochs)
