"""Batch normalisation with batches of 2 (issue 19, data).

BatchNorm normalises each feature by the mean and spread of the current batch: over 2 examples
those are as noisy as statistics get (each normalised feature is about ±1 whatever the input), and
the running averages used at evaluation never match what training saw; Wu & He (Group
Normalization, 2018) measure BN's error rising sharply as the batch shrinks. `--fixed` is the
healthy twin: the same model with GroupNorm, which normalises within each example. Tiny MLP on
synthetic blobs, CPU, seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="GroupNorm(4 groups) instead of BatchNorm1d")
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--batch-size", type=int, default=2)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (512,))
x = centres[y] + torch.randn(512, 8)
loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)


def norm(channels: int) -> nn.Module:
    return nn.GroupNorm(4, channels) if args.fixed else nn.BatchNorm1d(channels)


model = nn.Sequential(
    nn.Linear(8, 32), norm(32), nn.ReLU(), nn.Linear(32, 32), norm(32), nn.ReLU(), nn.Linear(32, 4)
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x).argmax(-1) == y).float().mean().item()
    print(f"epoch {epoch} loss {total / len(loader):.4f} eval accuracy {accuracy:.3f}")
