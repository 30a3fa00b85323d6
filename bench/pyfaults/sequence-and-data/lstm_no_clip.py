"""An LSTM trained without gradient clipping (issue 19, sequence models).

Recurrent nets multiply the same Jacobian once per time step, so now and then a batch's gradient is
orders of magnitude above the usual one (Pascanu et al. 2013); at the high SGD rates recurrent nets
are trained with (PyTorch's word_language_model example: lr 20, clip 0.25) one such step throws
the weights far away and the loss jumps. `--fixed` is the healthy twin: the same loop with
torch.nn.utils.clip_grad_norm_ between backward() and step(). Tiny LSTM on a synthetic
sequence task (is the running sum of a ±1 sequence positive at the end?), CPU, seconds.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="clip the global gradient norm to --clip")
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--lr", type=float, default=20.0)
parser.add_argument("--clip", type=float, default=0.1)
parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
T = 30
x = torch.randint(0, 2, (1024, T, 1)).float() * 2 - 1
y = (x.sum(dim=(1, 2)) > 0).long()
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)


class Classifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        cell = nn.LSTM if args.cell == "lstm" else nn.GRU
        self.rnn = cell(input_size=1, hidden_size=32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, xb: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(xb)
        return self.head(out[:, -1])


model = Classifier()
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total, correct = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        if args.fixed:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=args.clip)
        optimizer.step()
        total += loss.item()
        correct += int((logits.argmax(-1) == yb).sum())
    print(f"epoch {epoch} loss {total / len(loader):.4f} acc {correct / len(x):.3f}")
