"""Activations a model's forward applies as functions (functional_activations.py), in any form
(`F.relu`, in place or not, `torch.sigmoid`, `x.tanh()`): the layer they are applied to is
described with them, and its output is judged after them, with the arguments the model gave them
(a leaky ReLU's slope). The numbers equal the activation computed here, an nn.ReLU module stays a
layer of its own, and the forward gives the same losses as without traindx."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import traindx
from traindx.pytorch import capture

from conftest import SCRIPTS, diagnose, read_trace, run_traindx, top_cause


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(4)
        self.fc1 = nn.Linear(6, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 16)
        self.skip = nn.Linear(16, 16)
        self.fc4 = nn.Linear(16, 16)
        self.fc5 = nn.Linear(16, 16)
        self.act = nn.ReLU()
        self.out = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.fc1(x), inplace=True)
        x = F.leaky_relu(self.fc2(x), 0.2)
        x = torch.sigmoid(self.fc3(x))
        x = F.relu(self.skip(x) + x)  # the sum is no layer's output: `skip` stays linear
        x = self.fc4(x).tanh()
        x = self.act(self.fc5(x))  # a module: a layer of its own, fc5 stays linear
        return self.out(x)


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(2)
    return torch.randn(32, 6, generator=g) * 3, torch.randint(0, 3, (32,), generator=g)


def _train(model: Net, run: traindx.Run | None, steps: int = 3) -> list[float]:
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    if run is not None:
        run.watch(model, opt, every=1)
    x, y = _batch()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_layers_are_described_and_judged_with_the_functions_applied_to_their_outputs(tmp_path):
    path = tmp_path / "functional.jsonl"
    try:
        with traindx.init(out=str(path), name="functional") as run:
            losses = _train(Net(), run)
    finally:
        capture.uninstall()
    assert _train(Net(), None) == losses  # the same forward, bit for bit
    events = read_trace(path)
    layers = {layer["name"]: layer for layer in events[0]["model"]["layers"]}
    assert {n: layers[n]["activation"] for n in layers} == {
        "fc1": "relu",
        "fc2": "leaky_relu",
        "fc3": "sigmoid",
        "skip": "linear",
        "fc4": "tanh",
        "fc5": "linear",
        "act": "relu",
        "out": "linear",
    }
    assert layers["act"]["type"] == "Activation"
    assert all(layers[name]["type"] == "Dense" for name in layers if name != "act")
    steps = {e["step"]: e["layers"] for e in events if e["type"] == "step"}
    # `watch` came before the model's first call: step 0's outputs were judged before the
    # activations were known, and are left out rather than written as the wrong numbers.
    assert not any("actMean" in steps[0][name] for name in ("fc1", "fc2", "fc3", "fc4"))
    # Step 1's: the outputs of the reference model after one step, after its activations.
    reference = Net()
    _train(reference, None, steps=1)
    x, _ = _batch()
    with torch.no_grad():
        h1 = F.relu(reference.fc1(x))
        h2 = F.leaky_relu(reference.fc2(h1), 0.2)
        h3 = torch.sigmoid(reference.fc3(h2))
        h4 = torch.tanh(reference.fc4(F.relu(reference.skip(h3) + h3)))
    step1 = steps[1]
    for name, h in (("fc1", h1), ("fc2", h2), ("fc3", h3), ("fc4", h4)):
        a = h.double().numpy()
        assert step1[name]["actMean"] == pytest.approx(a.mean(), rel=1e-4, abs=1e-7), name
        assert step1[name]["actStd"] == pytest.approx(a.std(), rel=1e-4), name
    assert step1["fc1"]["deadFraction"] == pytest.approx(float((h1.numpy().max(0) <= 0).mean()))
    assert step1["fc3"]["saturatedFraction"] == pytest.approx(float((np.abs(h3.numpy() - 0.5) > 0.49).mean()))
    assert step1["fc4"]["saturatedFraction"] == pytest.approx(float((np.abs(h4.numpy()) > 0.99).mean()))
    assert "deadFraction" not in step1["fc2"] and "deadFraction" not in step1["skip"]
    assert "zeroGradFraction" in step1["fc1"] and "zeroGradFraction" not in step1["fc2"]


def test_dead_units_behind_a_functional_relu_are_diagnosed(tmp_path):
    """The PyTorch MNIST example's shape (a Net class calling F.relu, F.log_softmax, nll_loss,
    Adadelta with StepLR, train() and test() functions) with its ReLU layers' biases at -6: every
    unit is dead from the start, and the diagnosis names dying ReLU, not only the weights that
    stopped moving because of it."""
    out = tmp_path / "dead.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", str(SCRIPTS / "torch_functional.py"), "--bias", "-6"])
    assert done.returncode == 0, done.stderr
    code, body, err = diagnose(out)
    assert code == 0, err
    assert top_cause(body) == "dying_relu"


def test_torchscript_still_compiles_a_forward_that_calls_the_activations():
    """Nothing is wrapped to see the activations (the loss's graph shows them): scripting the
    model compiles as before."""
    capture.install()
    try:
        model = Net()
        x, _ = _batch()
        assert torch.equal(torch.jit.script(model)(x), model(x))
    finally:
        capture.uninstall()
