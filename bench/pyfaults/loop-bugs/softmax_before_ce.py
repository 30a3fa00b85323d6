"""A PyTorch model that ends in nn.Softmax, trained with nn.CrossEntropyLoss (issue 19, PyTorch loop bugs).

CrossEntropyLoss expects unnormalised logits and applies log-softmax itself, so a softmax before it
squashes the logits into [0, 1]: the loss cannot fall below a floor well above 0 and learns slowly.
`--fixed` is the healthy twin: the same model without the final softmax.
Tiny MLP on synthetic blobs, CPU, a few seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="end the model in logits (no nn.Softmax)")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
# Four Gaussian blobs in 8 dimensions, one class each.
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1024,))
x = centres[y] + torch.randn(1024, 8)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

layers = [nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4)]
if not args.fixed:
    layers.append(nn.Softmax(dim=1))
model = nn.Sequential(*layers)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f}")
