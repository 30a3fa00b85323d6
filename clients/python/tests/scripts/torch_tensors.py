"""A PyTorch script without a DataLoader or a loss module, as tutorials write them: the data split
into training and validation views of one tensor, batches sliced from the training view in order,
`F.cross_entropy`, epochs counted from 1, and every `--val-every` epochs an evaluation under
no_grad of the whole training and validation tensors that counts hits itself and computes no loss.
No traindx in it. Prints `VAL <epoch> <accuracy>` for each validation."""

import argparse

import torch
import torch.nn.functional as F
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    outputs = model(x)
    return (outputs.argmax(dim=1) == y).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--val-every", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    w = torch.randn(12, 4)
    x = torch.randn(1000, 12)
    y = (x @ w).argmax(1)
    x_train, y_train, x_val, y_val = x[:800], y[:800], x[800:], y[800:]
    model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batch_size = 50
    for epoch in range(1, args.epochs + 1):
        model.train()
        for i in range(0, len(x_train), batch_size):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[i : i + batch_size]), y_train[i : i + batch_size])
            loss.backward()
            optimizer.step()
        if epoch % args.val_every == 0:
            model.eval()
            with torch.no_grad():
                train_accuracy = accuracy(model, x_train, y_train)  # the training data: no validation
                val_accuracy = accuracy(model, x_val, y_val)
            print(f"VAL {epoch} {val_accuracy}")
            print(f"TRAIN {epoch} {train_accuracy}")


if __name__ == "__main__":
    main()
