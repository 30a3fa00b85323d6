"""Mixed precision in float16 with a softmax written out by hand (issue 19, mixed precision).

The classifier's cross-entropy takes exp() of the logits itself. In float16 exp() overflows to
Infinity once a logit passes about 11 (float16's largest value is 65504), which a confident
classifier reaches within a few epochs: from then on every loss is NaN, the GradScaler skips
every step and halves its scale each time, and the scale collapses towards 0 while the weights
stay frozen. `--fixed` is the healthy twin: the same model, data and loss under bfloat16, which
has float32's range and needs no loss scaling. `--stable-loss` is a second healthy run, still in
float16 with the GradScaler, with the built-in cross-entropy (which autocast runs in float32): the
scaler settles as designed. Tiny MLP on synthetic blobs, CPU, a few seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="autocast to bfloat16, without a loss scaler")
parser.add_argument("--stable-loss", action="store_true", help="float16, with nn.functional.cross_entropy")
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
# Four Gaussian blobs in 8 dimensions, one class each.
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1024,))
x = centres[y] + torch.randn(1024, 8)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
dtype = torch.bfloat16 if args.fixed else torch.float16
scaler = torch.amp.GradScaler("cpu", enabled=not args.fixed)


def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Softmax and log written out (no log-sum-exp): exp() runs in the logits' own precision."""
    e = logits.exp()
    p = e / e.sum(dim=1, keepdim=True)
    return -p.gather(1, target[:, None]).log().mean()


for epoch in range(args.epochs):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=dtype):
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb) if args.stable_loss else cross_entropy(logits, yb)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f} scale {scaler.get_scale():.3g}")
