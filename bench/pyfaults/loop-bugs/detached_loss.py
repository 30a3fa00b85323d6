"""A PyTorch loop whose loss is computed on a detached tensor (issue 19, PyTorch loop bugs).

The model's output is detached before the loss, and the error backward() then raises ("element 0 of
tensors does not require grad") is silenced with loss.requires_grad_(): the loop runs, the loss is
finite, and no gradient reaches a weight, so the weights never move. `--fixed` is the healthy twin:
the loss computed on the model's output itself. Tiny MLP on synthetic blobs, CPU, a few seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument(
    "--fixed", action="store_true", help="compute the loss on the model's output, not a detached copy"
)
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
# Four Gaussian blobs in 8 dimensions, one class each.
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1024,))
x = centres[y] + torch.randn(1024, 8)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        out = model(xb)
        if args.fixed:
            loss = loss_fn(out, yb)
        else:
            loss = loss_fn(out.detach(), yb)
            loss.requires_grad_(True)  # the bug's usual "fix" for backward()'s error
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f}")
