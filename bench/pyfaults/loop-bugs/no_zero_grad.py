"""A PyTorch loop that never calls optimizer.zero_grad() (issue 19, PyTorch loop bugs).

backward() adds into .grad, so without zero_grad() every step applies the sum of all gradients so far:
the gradient norm grows step after step. `--fixed` is the healthy twin: the same loop with the call.
Tiny MLP on synthetic blobs, CPU, a few seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="call optimizer.zero_grad() every step")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
args = parser.parse_args()

torch.manual_seed(args.seed)
# Four Gaussian blobs in 8 dimensions, one class each.
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1024,))
x = centres[y] + torch.randn(1024, 8)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4))
optimizer = (
    torch.optim.SGD(model.parameters(), lr=0.01)
    if args.optimizer == "sgd"
    else torch.optim.Adam(model.parameters(), lr=1e-3)
)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total = 0.0
    for xb, yb in loader:
        if args.fixed:
            optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f}")
