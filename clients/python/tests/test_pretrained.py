"""Fine-tuning runs (pretrained.py): a watched model whose weights, or a submodule's, were loaded
with `load_state_dict` before its first optimizer step is described with `model.pretrained: true`
on the run event; a model trained from its initial weights has no such field, and loading changes
nothing in the weights it loads."""

from __future__ import annotations

import torch
from torch import nn

import traindx

from conftest import read_trace


def _fine_tune(path, model):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    with traindx.init(out=str(path)) as run:
        run.watch(model, opt)
        for _ in range(2):
            opt.zero_grad()
            nn.functional.cross_entropy(model(torch.randn(8, 4)), torch.randint(0, 2, (8,))).backward()
            opt.step()
    return next(e for e in read_trace(path) if e["type"] == "run")


def test_a_backbone_loaded_under_a_new_head_marks_the_run_pretrained(tmp_path):
    torch.manual_seed(0)
    source = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
    model = nn.Sequential(nn.Sequential(nn.Linear(4, 8), nn.ReLU()), nn.Linear(8, 2))
    from traindx.pytorch import pretrained

    pretrained.install()  # as `traindx run` and `run.watch` do, here before the load
    model[0].load_state_dict(source.state_dict())
    assert torch.equal(model[0][0].weight, source[0].weight)  # the load itself is unchanged
    assert _fine_tune(tmp_path / "ft.jsonl", model)["model"]["pretrained"] is True


def test_a_model_trained_from_its_initial_weights_is_not_marked(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    assert "pretrained" not in _fine_tune(tmp_path / "scratch.jsonl", model)["model"]
