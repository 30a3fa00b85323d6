"""One PyTorch run of a Spec in a third common style of plain script, with no traindx in it, the
shape of nanoGPT's and makemore's training scripts: no epochs and no DataLoader, a loop over
iterations (`for it in range(max_iters)`), each drawing a random batch of the split it asks for
(`get_batch("train")`, indices from `torch.randint`), and every `eval_interval` iterations an
`estimate_loss()` under `@torch.no_grad()` and `model.eval()` that evaluates a few random batches
of *both* splits, training and validation, and prints the two means. `zero_code.py --style iters`
runs it under `python -m traindx run`. The data, model, optimizer and loss are the recorded run's
(train_torch.setup); the iterations are as many as the recorded run's batches, and an evaluation
falls where its epochs ended.

    python bench/pyfaults/plain_torch_iters.py SPEC_ID
"""

from __future__ import annotations

import math
import sys

import torch
from scenarios import ALL
from train_torch import setup

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    xt, yt, xv, yv, _, model, optimizer, loss_of, _, _, _ = setup(spec, SEED)
    eval_interval = math.ceil(len(xt) / spec.batch)
    max_iters = spec.epochs * eval_interval
    eval_iters = 4
    generator = torch.Generator().manual_seed(SEED)

    def get_batch(split: str) -> tuple[torch.Tensor, torch.Tensor]:
        data, labels = (xt, yt) if split == "train" else (xv, yv)
        ix = torch.randint(len(data), (spec.batch,), generator=generator)
        return data[ix], labels[ix]

    @torch.no_grad()
    def estimate_loss() -> dict[str, float]:
        out = {}
        model.eval()
        for split in ["train", "val"]:
            losses = torch.zeros(eval_iters)
            for k in range(eval_iters):
                xb, yb = get_batch(split)
                losses[k] = loss_of(model(xb), yb).item()
            out[split] = losses.mean().item()
        model.train()
        return out

    for it in range(max_iters + 1):
        if it % eval_interval == 0:
            losses = estimate_loss()
            print(f"step {it}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
        if it == max_iters:
            break
        xb, yb = get_batch("train")
        loss = loss_of(model(xb), yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    main(sys.argv[1])
