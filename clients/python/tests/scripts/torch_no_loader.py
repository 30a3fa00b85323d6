"""A PyTorch script without a DataLoader, as many are written: batches sliced from shuffled
tensors, gradient accumulation over four micro-batches, clip_grad_norm_, AdamW, a validation
loss per epoch. No traindx in it. --scale 500 plants inputs far from a normalised range."""

import argparse

import torch
from torch import nn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args()
    g = torch.Generator().manual_seed(0)
    w = torch.randn(20, 3, generator=g)
    x = torch.randn(2000, 20, generator=g)
    y = (x @ w).argmax(1)
    x = x * args.scale + args.scale
    x_train, y_train, x_val, y_val = x[:1600], y[:1600], x[1600:], y[1600:]
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    criterion = nn.CrossEntropyLoss()
    accumulate = 4
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=g)
        for i, start in enumerate(range(0, len(order), 16)):
            batch = order[start : start + 16]
            loss = criterion(model(x_train[batch]), y_train[batch]) / accumulate
            loss.backward()
            if (i + 1) % accumulate == 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
        model.eval()
        with torch.no_grad():
            print(f"epoch {epoch} val {criterion(model(x_val), y_val).item():.4f}")


if __name__ == "__main__":
    main()
