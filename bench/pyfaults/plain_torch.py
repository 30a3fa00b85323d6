"""One PyTorch run of a Spec as a user's plain script writes it: no traindx in it, a training
loop over a DataLoader and a validation pass after each epoch (model.eval(), torch.no_grad()),
printing the epoch's losses. `zero_code.py` runs it under `python -m traindx run`. The data,
model, optimizer and loss are the recorded run's (train_torch.setup), only the loop is the
user's.

    python bench/pyfaults/plain_torch.py SPEC_ID
"""

from __future__ import annotations

import sys

import torch
from scenarios import ALL
from torch.utils.data import DataLoader, TensorDataset
from train_torch import setup

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    xt, _, xv, yv, _, model, optimizer, loss_of, _, _, train_loader = setup(spec, SEED)
    val_loader = DataLoader(TensorDataset(xv, yv), batch_size=256)
    for epoch in range(spec.epochs):
        model.train()
        total = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = loss_of(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        model.eval()
        val_total = 0.0
        with torch.no_grad():
            for xb, yb in val_loader:
                val_total += loss_of(model(xb), yb).item() * len(xb)
        print(f"epoch {epoch}: loss {total / len(xt):.4f}, val_loss {val_total / len(xv):.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
