"""A plain PyTorch training script, as a user writes it: no traindx in it.

Faults are planted from the command line: --lr 10 (learning_rate_too_high),
--sigmoid-depth 8 (saturating_activation), --scale 1000 (unnormalized_inputs);
--crash-at N and --interrupt-at N end it at step N with an exception or a Ctrl-C.
"""

import argparse
import os
import signal
import sys

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def blobs(n: int, classes: int, features: int, seed: int) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, features, generator=g) * 3
    y = torch.randint(0, classes, (n,), generator=g)
    x = centres[y] + torch.randn(n, features, generator=g)
    return TensorDataset(x, y)


def build(features: int, classes: int, hidden: int, sigmoid_depth: int) -> nn.Module:
    if sigmoid_depth:
        layers: list = []
        width = features
        for _ in range(sigmoid_depth):
            layers += [nn.Linear(width, hidden), nn.Sigmoid()]
            width = hidden
        return nn.Sequential(*layers, nn.Linear(width, classes))
    return nn.Sequential(
        nn.Linear(features, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, classes),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--sigmoid-depth", type=int, default=0)
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--crash-at", type=int, default=-1)
    parser.add_argument("--interrupt-at", type=int, default=-1)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.runs):
        train(args)
    return 0


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    data = blobs(args.n, 4, 10, seed=1)
    data.tensors = (data.tensors[0] * args.scale, data.tensors[1])
    loader = DataLoader(data, batch_size=32, shuffle=True)
    model = build(10, 4, 32, args.sigmoid_depth)
    opt = (torch.optim.Adam if args.optimizer == "adam" else torch.optim.SGD)(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    step = 0
    for epoch in range(args.epochs):
        for x, y in loader:
            if step == args.crash_at:
                raise RuntimeError("planted crash")
            if step == args.interrupt_at:
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            step += 1
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    sys.exit(main())
