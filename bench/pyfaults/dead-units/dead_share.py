"""A ReLU MLP on handwritten-like 8x8 digits whose middle layer ends with many dead units (issue 19).

Healthy (default): Adam 3e-3 on 3,000 jittered seven-segment digits; the wide middle ReLU layer
starts with most of its biases negative (a narrow, sparse code, as a pruned or distilled layer
is), so 50-67% of its units never fire, yet the net learns the task (held-out accuracy above 95%).
`--faulty` is the twin where the dead units do hurt: every hidden layer starts with biases far
below zero, nearly every unit is dead from the first step, and the loss stays flat at chance.
Runs on CPU in seconds; when recorded under `python -m traindx run`, it also reports its held-out
evaluation through the client (a confusion matrix on the validation split).
"""

import argparse

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--faulty", action="store_true", help="every hidden layer starts far below zero: dead")
parser.add_argument("--epochs", type=int, default=8)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument(
    "--dead-share", type=float, default=0.55, help="middle-layer units started dead (healthy run)"
)
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
torch.manual_seed(args.seed)
torch.set_num_threads(1)

SEGMENTS = {
    0: "abcdef",
    1: "bc",
    2: "abged",
    3: "abgcd",
    4: "fgbc",
    5: "afgcd",
    6: "afgedc",
    7: "abc",
    8: "abcdefg",
    9: "abcdfg",
}
STROKES = {
    "a": [(1, c) for c in range(2, 6)],
    "b": [(r, 6) for r in range(1, 4)],
    "c": [(r, 6) for r in range(4, 7)],
    "d": [(7, c) for c in range(2, 6)],
    "e": [(r, 1) for r in range(4, 7)],
    "f": [(r, 1) for r in range(1, 4)],
    "g": [(4, c) for c in range(2, 6)],
}


def digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Seven-segment digits as a hand draws them: shifted by a pixel, strokes of uneven ink, noise."""
    y = rng.integers(0, 10, size=n)
    x = np.zeros((n, 8, 8), dtype="float32")
    for i, d in enumerate(y):
        dr, dc = rng.integers(-1, 2, size=2)
        for s in SEGMENTS[int(d)]:
            ink = rng.uniform(0.5, 1.0)
            for r, c in STROKES[s]:
                x[i, min(max(r + dr, 0), 7), min(max(c + dc, 0), 7)] = ink
    x = np.clip(x + rng.normal(scale=0.2, size=x.shape), 0, 1)
    return x.reshape(n, 64).astype("float32"), y


x_train, y_train = digits(3000)
x_val, y_val = digits(1000)
loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=64, shuffle=True)

model = nn.Sequential(
    nn.Linear(64, 128),
    nn.ReLU(),
    nn.Linear(128, 256),
    nn.ReLU(),
    nn.Linear(256, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
with torch.no_grad():
    if args.faulty:
        for i in (0, 2, 4):
            model[i].bias.fill_(-8.0)
    else:
        middle = model[2].bias
        dead = torch.randperm(middle.numel())[: int(args.dead_share * middle.numel())]
        middle[dead] = -8.0
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
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
        hidden = model[:4](torch.tensor(x_val))
        pred = model(torch.tensor(x_val)).argmax(1).numpy()
    dead_share = float((hidden.max(0).values <= 0).float().mean())
    mean_loss, val_acc = total / len(loader), (pred == y_val).mean()
    print(f"epoch {epoch} loss {mean_loss:.4f} val acc {val_acc:.3f} middle dead {dead_share:.2f}")

try:  # under `python -m traindx run`: the held-out evaluation too
    from traindx.autolog import current_session

    session = current_session()
    if session is not None and session.runs:
        session.runs[-1].eval("val", y_val, pred, num_classes=10)
except ImportError:
    pass
