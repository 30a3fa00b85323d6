"""A plain PyTorch loop with a validation pass after each epoch, written four ways (--style):

  no_grad        a CrossEntropyLoss module, DataLoaders, model.eval() and torch.no_grad()
  nll_sum        the PyTorch MNIST example's test(): log_softmax, F.nll_loss(reduction="sum")
                 summed over the loader and divided by the dataset's size
  eval_grad      no DataLoader (batches sliced by hand), BCEWithLogitsLoss, model.eval()
                 without torch.no_grad()
  train_in_eval  no validation at all, and the model left in eval mode while it trains
  three_splits   no_grad's loop, whose evaluation also passes over the training loader before
                 the validation loader and over a test loader after it (only the validation
                 pass is printed as VAL)
  accumulate     no_grad's loop accumulating gradients over two batches (`loss / 2`)
  focal          no_grad's loop with a focal loss of its own, built on cross_entropy
  two_models     two classifiers trained in turn on each batch, each validated (as a GAN's
                 generator and discriminator step in turn)
  pseudo_labels  no validation, and a forward of the training batch under torch.no_grad()
                 inside each training step (as pseudo-labelling or a teacher pass does)
  accuracy_only  no_grad's loop whose validation computes no loss, only hits of
                 `torch.max(outputs.data, 1)` (the CIFAR-10 tutorial's test loop), after
                 `model.train()`'s training under a loader that also passes over the test set

Prints `TRAIN <accuracy>` and `LOSS <mean batch loss>` per epoch (over its training batches),
`VAL <loss> <accuracy>` per validation pass and `LAST <loss>` (the last training loss), as the
script computes them, for the tests to compare with the trace.
"""

import argparse

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--style", default="no_grad")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--train-size", type=int, default=512)
args = parser.parse_args()

torch.manual_seed(0)
features, classes = 20, 3
w = torch.randn(features, classes)


def make(n):
    x = torch.randn(n, features)
    logits = x @ w + 1.5 * torch.randn(n, classes)
    return x, logits.argmax(1)


xt, yt = make(args.train_size)
xv, yv = make(600)
binary = args.style == "eval_grad"
if binary:
    yt, yv = (yt == 0).float().unsqueeze(1), (yv == 0).float().unsqueeze(1)
head = [nn.LogSoftmax(dim=1)] if args.style == "nll_sum" else []
hidden = [nn.Linear(features, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU()]
model = nn.Sequential(*hidden, nn.Linear(256, 1 if binary else classes), *head)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
train_loader = DataLoader(TensorDataset(xt, yt), batch_size=32, shuffle=True)
val_loader = DataLoader(TensorDataset(xv, yv), batch_size=200)
test_loader = DataLoader(TensorDataset(*make(300)), batch_size=100)


def focal(out, y):
    ce = F.cross_entropy(out, y, reduction="none")
    return ((1 - torch.exp(-ce)) ** 2 * ce).mean()


if args.style == "focal":
    criterion = focal
other = nn.Sequential(nn.Linear(features, 32), nn.ReLU(), nn.Linear(32, classes))
other_optimizer = torch.optim.SGD(other.parameters(), lr=0.05)
if args.style == "train_in_eval":
    model.eval()
last = None
for _ in range(args.epochs):
    if args.style == "eval_grad":
        model.train()
        order = torch.randperm(len(xt))
        hits = 0
        for i in range(0, len(xt), 32):
            idx = order[i : i + 32]
            optimizer.zero_grad()
            out = model(xt[idx])
            loss = criterion(out, yt[idx])
            loss.backward()
            optimizer.step()
            last = loss.item()
            hits += ((out > 0).float() == yt[idx]).sum().item()
        print(f"TRAIN {hits / len(xt)!r}")
        model.eval()
        out = model(xv)
        val = criterion(out, yv).item()
        accuracy = ((out > 0).float() == yv).float().mean().item()
        print(f"VAL {val!r} {accuracy!r}")
        continue
    if args.style != "train_in_eval":
        model.train()
    hits, losses = 0, []
    for i, (xb, yb) in enumerate(train_loader):
        if args.style == "pseudo_labels":
            with torch.no_grad():
                model(xb).argmax(1)
        out = model(xb)
        loss = F.nll_loss(out, yb) if args.style == "nll_sum" else criterion(out, yb)
        losses.append(loss.item())
        if args.style == "accumulate":
            (loss / 2).backward()
            if i % 2 == 1:
                optimizer.step()
                optimizer.zero_grad()
        else:
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        if args.style == "two_models":
            other_optimizer.zero_grad()
            criterion(other(xb), yb).backward()
            other_optimizer.step()
        last = loss.item()
        hits += (out.argmax(1) == yb).sum().item()
    print(f"TRAIN {hits / len(xt)!r}")
    print(f"LOSS {sum(losses) / len(losses)!r}")
    if args.style in ("train_in_eval", "pseudo_labels"):
        continue
    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        if args.style == "three_splits":  # the training data's loss, as some scripts print it
            for xb, yb in train_loader:
                criterion(model(xb), yb)
        for xb, yb in val_loader:
            if args.style == "two_models":
                criterion(other(xb), yb)
            out = model(xb)
            if args.style == "accuracy_only":
                _, predicted = torch.max(out.data, 1)
                correct += (predicted == yb).sum().item()
                continue
            if args.style == "nll_sum":
                total += F.nll_loss(out, yb, reduction="sum").item()
            else:
                total += criterion(out, yb).item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
    val_loss = float("nan") if args.style == "accuracy_only" else total / len(xv)
    print(f"VAL {val_loss!r} {correct / len(xv)!r}")
    if args.style in ("three_splits", "accuracy_only"):  # a test set evaluated every epoch
        with torch.no_grad():
            for xb, yb in test_loader:
                criterion(model(xb), yb)
print(f"LAST {last!r}")
