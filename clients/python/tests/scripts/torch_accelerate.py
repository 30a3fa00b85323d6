"""A PyTorch loop prepared by Hugging Face accelerate, no traindx in it: `accelerator.prepare`
wraps the loaders in DataLoaderShards, which fetch one batch ahead (the underlying loader's pass
ends as the last batch is handed out, before the step on it), and `accelerator.backward`.
Prints `VAL <epoch> <loss>` after each epoch's validation pass."""

import argparse

import torch
from accelerate import Accelerator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    w = torch.randn(10, 3)
    x = torch.randn(1200, 10)
    y = (x @ w).argmax(1)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train_loader = DataLoader(TensorDataset(x[:1000], y[:1000]), batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(x[1000:], y[1000:]), batch_size=64)
    accelerator = Accelerator(cpu=True)
    prepared = accelerator.prepare(model, optimizer, train_loader, val_loader)
    model, optimizer, train_loader, val_loader = prepared
    criterion = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            accelerator.backward(loss)
            optimizer.step()
        model.eval()
        total = 0.0
        with torch.no_grad():
            for xb, yb in val_loader:
                total += criterion(model(xb), yb).item() * len(xb)
        accelerator.print(f"VAL {epoch} {total / 200}")


if __name__ == "__main__":
    main()
