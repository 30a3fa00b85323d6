"""One PyTorch run of a Spec as a user's plain script writes it: no traindx in it, a training
loop over a DataLoader and a validation pass after each epoch (model.eval(), torch.no_grad()),
printing the epoch's losses. `zero_code.py` runs it under `python -m traindx run`.

    python bench/pyfaults/plain_torch.py SPEC_ID
"""

from __future__ import annotations

import sys

import torch
from prepare import prepare
from scenarios import ALL
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from train_torch import build, naive_log_loss

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    torch.manual_seed(SEED)
    xt, yt, xv, yv = prepare(spec, SEED)
    regression = spec.loss == "mse"
    outputs = 1 if regression else int(max(yt.max(), yv.max())) + 1
    model = build(spec, xt.shape[1], outputs)
    params = [p for p in model.parameters() if p.requires_grad]
    if spec.optimizer == "sgd":
        optimizer = torch.optim.SGD(params, lr=spec.lr, weight_decay=spec.weight_decay)
    elif spec.optimizer == "momentum":
        optimizer = torch.optim.SGD(params, lr=spec.lr, momentum=0.9, weight_decay=spec.weight_decay)
    else:
        optimizer = torch.optim.Adam(params, lr=spec.lr, weight_decay=spec.weight_decay)
    criterion = nn.CrossEntropyLoss()

    def loss_of(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if regression:
            return nn.functional.mse_loss(out.squeeze(1), y)
        if spec.loss == "mse_onehot":
            return nn.functional.mse_loss(out, nn.functional.one_hot(y, outputs).float())
        if spec.loss == "naive_log":
            return naive_log_loss(out, y)
        return criterion(out, y)

    kind = torch.float32 if regression else torch.long
    train_data = TensorDataset(torch.tensor(xt), torch.tensor(yt, dtype=kind))
    val_data = TensorDataset(torch.tensor(xv), torch.tensor(yv, dtype=kind))
    generator = torch.Generator().manual_seed(SEED)
    train_loader = DataLoader(train_data, batch_size=spec.batch, shuffle=True, generator=generator)
    val_loader = DataLoader(val_data, batch_size=256)
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
