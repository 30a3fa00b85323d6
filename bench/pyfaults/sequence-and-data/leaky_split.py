"""Validation examples that are also training examples (issue 19, data leakage).

A common slip: the data is split twice, once for the training part and once for the validation part,
with different random generators, so about 80% of the "held-out" examples were trained on and the
validation accuracy says nothing about new data. `--fixed` is the healthy twin: one random_split
for both parts. Tiny MLP on synthetic blobs, CPU, seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="take both parts from one random_split")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1280,))
x = centres[y] + torch.randn(1280, 8)
data = TensorDataset(x, y)
if args.fixed:
    train, val = random_split(data, [1024, 256], generator=torch.Generator().manual_seed(1))
else:
    train, _ = random_split(data, [1024, 256], generator=torch.Generator().manual_seed(1))
    _, val = random_split(data, [1024, 256], generator=torch.Generator().manual_seed(2))
train_loader = DataLoader(train, batch_size=32, shuffle=True)
val_loader = DataLoader(val, batch_size=128)

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xb).argmax(-1) == yb).sum()) for xb, yb in val_loader)
    print(f"epoch {epoch} val acc {correct / len(val):.3f}")
