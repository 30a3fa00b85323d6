"""A validation split on another scale than training (issue 19, data: train/validation shift).

The training features are standardised with their own mean and spread, and the validation features
are left raw: a scaler fitted and applied to one split only. The model is then judged on inputs
several standard deviations away from anything it trained on. `--fixed` is the healthy twin: the
validation split standardised with the training statistics. Tiny MLP on synthetic blobs, CPU.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="standardise validation with the train statistics")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
centres = torch.randn(4, 8) * 2.0 + 5.0
y = torch.randint(0, 4, (1280,))
x = (centres[y] + torch.randn(1280, 8)) * 3.0  # raw features: mean about 15, spread about 7
x_train, y_train, x_val, y_val = x[:1024], y[:1024], x[1024:], y[1024:]
mean, std = x_train.mean(0), x_train.std(0)
x_train = (x_train - mean) / std
if args.fixed:
    x_val = (x_val - mean) / std
train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
val_loader = DataLoader(TensorDataset(x_val, y_val), batch_size=128)

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
    print(f"epoch {epoch} val acc {correct / len(x_val):.3f}")
