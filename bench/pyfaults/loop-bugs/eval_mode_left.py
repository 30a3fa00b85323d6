"""A PyTorch loop whose validation pass calls model.eval() and never model.train() again (issue 19).

From the second epoch on the model trains in evaluation mode: dropout is off and batch
normalisation normalises with its frozen running statistics instead of the batch's, so the
regularisation and the normalisation the model was built with are gone for the rest of the run.
`--fixed` is the healthy twin: the same loop with model.train() at the start of every epoch.
`--no-eval` plants the opposite bug: the validation pass never calls model.eval(), so it runs with
dropout dropping and batch norm normalising with (and updating its running statistics from) the
validation batches; its healthy twin is `--fixed` too. `--eval-before` plants the bug from the first
step: model.eval() after building the model (as after loading a checkpoint for inference) and no
model.train() anywhere.
Tiny MLP with batch norm and dropout on synthetic blobs, CPU, a few seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="call model.train() at the start of every epoch")
parser.add_argument("--no-eval", action="store_true", help="validate without model.eval() (training mode)")
parser.add_argument("--eval-before", action="store_true", help="model.eval() before the loop, never train()")
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)
# Four Gaussian blobs in 8 dimensions, one class each; a held-out fifth for validation.
centres = torch.randn(4, 8) * 2.0
y = torch.randint(0, 4, (1280,))
x = centres[y] + torch.randn(1280, 8)
train = DataLoader(TensorDataset(x[:1024], y[:1024]), batch_size=32, shuffle=True)
val = DataLoader(TensorDataset(x[1024:], y[1024:]), batch_size=128)

model = nn.Sequential(
    nn.Linear(8, 64),
    nn.BatchNorm1d(64),
    nn.ReLU(),
    nn.Dropout(0.3),
    nn.Linear(64, 32),
    nn.ReLU(),
    nn.Linear(32, 4),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

if args.eval_before:
    model.eval()
else:
    model.train()
for epoch in range(args.epochs):
    if args.fixed or args.no_eval:
        model.train()
    total = 0.0
    for xb, yb in train:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    if not args.no_eval:
        model.eval()
    with torch.no_grad():
        val_loss = sum(loss_fn(model(xb), yb).item() for xb, yb in val) / len(val)
    print(f"epoch {epoch} loss {total / len(train):.4f} val_loss {val_loss:.4f}")
