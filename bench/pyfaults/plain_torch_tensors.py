"""One PyTorch run of a Spec in a second common style of plain script, with no traindx in it:
no DataLoader (the training tensors are shuffled with `torch.randperm` and sliced into
batches), the functional loss (`F.cross_entropy`, `F.mse_loss`), epochs counted from 1, and a
validation pass over the whole validation tensor under `torch.no_grad()` that prints the
accuracy it counts itself. `zero_code.py --style tensors` runs it under `python -m traindx run`.
The data, model and optimizer are the recorded run's (train_torch.setup); the loop is not.

    python bench/pyfaults/plain_torch_tensors.py SPEC_ID
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F
from scenarios import ALL
from train_torch import naive_log_loss, setup

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    xt, yt, xv, yv, _, model, optimizer, _, regression, outputs, _ = setup(spec, SEED)

    def criterion(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if regression:
            return F.mse_loss(out.squeeze(1), y)
        if spec.loss == "mse_onehot":
            return F.mse_loss(out, F.one_hot(y, outputs).float())
        if spec.loss == "naive_log":
            return naive_log_loss(out, y)
        return F.cross_entropy(out, y)

    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(1, spec.epochs + 1):
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), spec.batch):
            idx = order[start : start + spec.batch]
            optimizer.zero_grad()
            loss = criterion(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            out = model(xv)
            if regression:
                mse = criterion(out, yv).item()
                print(f"epoch {epoch}: last batch loss {loss.item():.4f}, val mse {mse:.4f}")
            else:
                accuracy = (out.argmax(dim=1) == yv).float().mean().item()
                print(f"epoch {epoch}: last batch loss {loss.item():.4f}, val accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
