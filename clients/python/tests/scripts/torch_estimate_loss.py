"""PyTorch scripts that evaluate their training data beside their validation data, no traindx in
them. `--style iters` is nanoGPT's and makemore's shape: a loop over iterations, random batches
of the split asked for (`get_batch`), and every `--eval-interval` iterations an `estimate_loss()`
under `@torch.no_grad()` and `model.eval()` that evaluates random batches of both splits.
`--style loader` trains over a DataLoader and ends each epoch with the loss of a copy of the
whole training tensor beside the validation tensor's. `--style wide` slices its batches straight
from the one tensor that holds both splits and evaluates its tail. `--style overlap` validates
over a DataLoader whose set shares a hundred rows with the training set. Prints `VAL <loss>` for
each evaluation of the validation split and `TRAIN <loss>` for the training split's."""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def wide(evals: int) -> None:
    """No name for the training split: the tensor its batches come from holds the validation rows too."""
    w = torch.randn(10, 3)
    x = torch.randn(600, 10)
    y = (x @ w).argmax(1)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    criterion = nn.CrossEntropyLoss()
    for _ in range(evals):
        for i in range(0, 400, 32):
            optimizer.zero_grad()
            criterion(model(x[i : i + 32]), y[i : i + 32]).backward()
            optimizer.step()
        with torch.no_grad():
            print(f"VAL {criterion(model(x[400:]), y[400:]).item()}")
            print("TRAIN 0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", choices=["iters", "loader", "wide", "overlap"], default="iters")
    parser.add_argument("--evals", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    if args.style == "wide":
        wide(args.evals)
        return
    w = torch.randn(10, 3)
    x = torch.randn(600, 10)
    y = (x @ w).argmax(1)
    y[:60] = torch.randint(0, 3, (60,))  # some noise: the two splits' losses differ
    x_train, y_train, x_val, y_val = x[:400], y[:400], x[400:], y[400:]
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    criterion = nn.CrossEntropyLoss()
    batch_size, eval_interval = 32, 13

    def get_batch(split: str) -> tuple[torch.Tensor, torch.Tensor]:
        data, labels = (x_train, y_train) if split == "train" else (x_val, y_val)
        ix = torch.randint(len(data), (batch_size,))
        return data[ix], labels[ix]

    @torch.no_grad()
    def estimate_loss() -> None:
        model.eval()
        for split in ["train", "val"]:
            losses = torch.zeros(4)
            for k in range(4):
                xb, yb = get_batch(split)
                losses[k] = criterion(model(xb), yb).item()
            print(f"{split.upper()} {losses.mean().item()}")
        model.train()

    if args.style == "iters":
        max_iters = args.evals * eval_interval
        for it in range(max_iters + 1):
            if it % eval_interval == 0 and it > 0:
                estimate_loss()
            if it == max_iters:
                break
            xb, yb = get_batch("train")
            loss = criterion(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        return
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(TensorDataset(x[300:], y[300:]), batch_size=50)  # (overlap)
    for _ in range(args.evals):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            criterion(model(xb), yb).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            if args.style == "overlap":
                total = sum(criterion(model(xb), yb).item() * len(xb) for xb, yb in val_loader)
                print(f"VAL {total / 300}")
            else:
                print(f"TRAIN {criterion(model(x_train.clone()), y_train).item()}")
                print(f"VAL {criterion(model(x_val), y_val).item()}")


if __name__ == "__main__":
    main()
