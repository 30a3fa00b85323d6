"""Fine-tuning at a rate too high for pretrained weights (issue 19, fine-tuning: forgetting).

A small MLP is pretrained here on one synthetic task (inputs labelled by a fixed random teacher
network), its state_dict saved and loaded into a fresh copy, and that copy fine-tuned on a related
task: the same teacher on inputs from a shifted distribution, with few examples. The pretrained
weights already do well on the new inputs. The fault fine-tunes with Adam at 3e-2, a rate for
training from scratch and above it: the first updates are a large share of the weights, the
features the pretraining built are overwritten and the loss climbs above where the pretrained
model started. `--fixed` is the healthy twin: the same fine-tuning at 3e-4, 100x lower. CPU, one
thread; nothing downloaded.
"""

from __future__ import annotations

import argparse
import io

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="fine-tune at 3e-4 instead of 3e-2")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a small model: one thread is as fast, and the machine is shared
DIM, CLASSES = 16, 6
teacher = nn.Sequential(nn.Linear(DIM, 32), nn.Tanh(), nn.Linear(32, CLASSES))


def balanced_offsets(shift: float) -> torch.Tensor:
    """Per-class offsets to the teacher's logits that give every class about the same share of the
    inputs around `shift` (a raw argmax leaves some classes with a handful of examples)."""
    with torch.no_grad():
        logits = teacher(torch.randn(20000, DIM) + shift)
        offsets = torch.zeros(CLASSES)
        for _ in range(300):
            counts = torch.bincount((logits + offsets).argmax(-1), minlength=CLASSES)
            share = counts.float() / len(logits)
            offsets -= 2.0 * (share - 1.0 / CLASSES)
        return offsets


def task(n: int, shift: float | torch.Tensor, offsets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.no_grad():
        x = torch.randn(n, DIM) + shift
        return x, (teacher(x) + offsets).argmax(-1)


def make_model() -> nn.Sequential:
    return nn.Sequential(nn.Linear(DIM, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, CLASSES))


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(-1) == y).float().mean())


loss_fn = nn.CrossEntropyLoss()

# Pretraining: task A, plenty of data, a from-scratch rate.
offsets = balanced_offsets(0.0)
xa, ya = task(4096, 0.0, offsets)
source = make_model()
opt = torch.optim.Adam(source.parameters(), lr=1e-3)
loader_a = DataLoader(TensorDataset(xa, ya), batch_size=64, shuffle=True)
for _epoch in range(6):
    source.train()
    for xb, yb in loader_a:
        opt.zero_grad()
        loss_fn(source(xb), yb).backward()
        opt.step()
print(f"pretrained: task A accuracy {accuracy(source, xa, ya):.3f}")

buffer = io.BytesIO()
torch.save(source.state_dict(), buffer)  # as a checkpoint on disk would be
buffer.seek(0)

# Fine-tuning: task B (the inputs shifted), few examples, the pretrained weights loaded.
shift = torch.full((DIM,), 0.3)
xb_train, yb_train = task(512, shift, offsets)
xb_val, yb_val = task(512, shift, offsets)
print(f"task B class counts {torch.bincount(yb_train, minlength=CLASSES).tolist()}")
model = make_model()
model.load_state_dict(torch.load(buffer))
print(f"before fine-tuning: task B val accuracy {accuracy(model, xb_val, yb_val):.3f}")
optimizer = torch.optim.Adam(model.parameters(), lr=3e-4 if args.fixed else 3e-2)
loader_b = DataLoader(TensorDataset(xb_train, yb_train), batch_size=32, shuffle=True)
for epoch in range(5):
    model.train()
    for xb, yb in loader_b:
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        optimizer.step()
    b_acc, a_acc = accuracy(model, xb_val, yb_val), accuracy(model, xa, ya)
    print(f"epoch {epoch} task B val accuracy {b_acc:.3f}, task A {a_acc:.3f}")
