"""Full-batch training, as tutorials on small tabular data write it, no traindx in it: each step
trains on the whole training tensor (`model(X_train)`), the loop over epochs is the only loop,
and every `--val-every` epochs the validation tensor's loss is printed as `VAL <epoch> <loss>`.
`--style helper` takes the step in a function the loop calls with the tensors."""

import argparse

import torch
from torch import nn


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, criterion: nn.Module, X, y) -> float:
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", choices=["inline", "helper"], default="inline")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--val-every", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    w = torch.randn(8, 3)
    X = torch.randn(300, 8)
    y = (X @ w).argmax(1)
    X_train, y_train, X_val, y_val = X[:240], y[:240], X[240:], y[240:]
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(args.epochs):
        model.train()
        if args.style == "helper":
            train_step(model, optimizer, criterion, X_train, y_train)
        else:
            optimizer.zero_grad()
            loss = criterion(model(X_train), y_train)
            loss.backward()
            optimizer.step()
        if (epoch + 1) % args.val_every == 0:
            model.eval()
            with torch.no_grad():
                val_loss = criterion(model(X_val), y_val)
            print(f"VAL {epoch} {val_loss.item()}")


if __name__ == "__main__":
    main()
