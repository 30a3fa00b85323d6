"""Attention statistics (attention_taps.py): the recorded attnLogitMax and attnEntropy equal the
numbers computed here independently (numpy, float64, from the layer's weights and the input it
saw), the logits match the attention weights PyTorch itself returns, masks included, and watching
changes no bit of the training."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

import traindx
from traindx.pytorch.attention_taps import attention_logits, summarise_logits

from conftest import read_trace

EVERY = 2
STEPS = 5
D, HEADS, T = 16, 2, 6


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(7)
        self.embed = nn.Embedding(10, D)
        layer = nn.TransformerEncoderLayer(D, HEADS, 32, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(D, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.embed(tokens)).mean(dim=1))


def batches() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(5)
    return [
        (torch.randint(0, 10, (4, T), generator=g), torch.randint(0, 3, (4,), generator=g))
        for _ in range(STEPS)
    ]


def truth(attn: nn.MultiheadAttention, x: np.ndarray) -> tuple[float, float]:
    """Max |q·kᵀ/√d| and mean row entropy of the first example, every head, in float64."""
    w = attn.in_proj_weight.detach().double().numpy()
    b = attn.in_proj_bias.detach().double().numpy()
    q = x[0] @ w[:D].T + b[:D]
    k = x[0] @ w[D : 2 * D].T + b[D : 2 * D]
    d = D // HEADS
    top, entropies = 0.0, []
    for h in range(HEADS):
        z = q[:, h * d : (h + 1) * d] @ k[:, h * d : (h + 1) * d].T / math.sqrt(d)
        top = max(top, float(np.abs(z).max()))
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        entropies.extend(-(p * np.log(p)).sum(axis=1))
    return top, float(np.mean(entropies))


def train(model: Net, run: traindx.Run | None) -> tuple[list[float], dict[int, tuple[float, float]]]:
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    if run is not None:
        run.watch(model, opt, every=EVERY)
    attn = model.encoder.layers[0].self_attn
    seen: list[np.ndarray] = []
    handle = None
    if run is None:  # the reference: the input the attention layer saw, by a hook of the test's own
        handle = attn.register_forward_pre_hook(
            lambda m, args: seen.append(args[0].detach().double().numpy())
        )
    losses, expected = [], {}
    for step, (x, y) in enumerate(batches()):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        if run is None and step % EVERY == 0:
            expected[step] = truth(attn, seen[-1])  # the weights of this forward, before the update
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if handle is not None:
        handle.remove()
    return losses, expected


def test_recorded_attention_statistics_equal_independent_numbers(tmp_path):
    path = tmp_path / "attn.jsonl"
    with traindx.init(out=str(path), name="attn") as run:
        losses, _ = train(Net(), run)
    ref_losses, expected = train(Net(), None)
    assert losses == ref_losses
    steps = {e["step"]: e for e in read_trace(path) if e["type"] == "step"}
    name = "encoder.layers.0.self_attn"
    recorded = [
        s for s, e in steps.items() if name in e.get("layers", {}) and "attnLogitMax" in e["layers"][name]
    ]
    # watch() before the first forward: every sampled step is read, step 0 included.
    assert recorded == sorted(expected)
    for step, (top, entropy) in expected.items():
        got = steps[step]["layers"][name]
        assert got["attnLogitMax"] == pytest.approx(top, rel=1e-4)
        assert got["attnEntropy"] == pytest.approx(entropy, rel=1e-4)
    # Only attention layers get the fields.
    assert all(
        "attnLogitMax" not in v for e in steps.values() for k, v in e.get("layers", {}).items() if k != name
    )


def test_watching_an_attention_model_changes_no_bit_of_the_training(tmp_path):
    watched, reference = Net(), Net()
    rng = torch.random.get_rng_state()
    with traindx.init(out=str(tmp_path / "t.jsonl")) as run:
        losses, _ = train(watched, run)
    assert torch.equal(torch.random.get_rng_state(), rng)
    ref_losses, _ = train(reference, None)
    assert losses == ref_losses
    for a, b in zip(watched.parameters(), reference.parameters()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("batch_first", [True, False])
def test_logits_are_the_ones_pytorch_softmaxes_masks_included(batch_first):
    torch.manual_seed(1)
    attn = nn.MultiheadAttention(D, HEADS, batch_first=batch_first)
    x = torch.randn(3, T, D) if batch_first else torch.randn(T, 3, D)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    padding = torch.zeros(3, T, dtype=torch.bool)
    padding[0, -2:] = True
    with torch.no_grad():
        _, weights = attn(x, x, x, key_padding_mask=padding, attn_mask=causal, average_attn_weights=False)
        logits = attention_logits(attn, x, x, causal, padding)
    assert logits.shape == (HEADS, T, T)
    torch.testing.assert_close(torch.softmax(logits, dim=-1), weights[0], rtol=1e-5, atol=1e-6)
    top, entropy = (float(v) for v in summarise_logits(logits))
    finite = logits[torch.isfinite(logits)]
    assert top == pytest.approx(float(finite.abs().max()))
    p = weights[0].double()
    want = float(-(torch.where(p > 0, p * p.log(), torch.zeros_like(p))).sum(-1).mean())
    assert entropy == pytest.approx(want, rel=1e-5)
