"""A small Transformer encoder trained at a high learning rate from step 0 (issue 19, sequence models).

nn.TransformerEncoderLayer is post-LayerNorm by default (norm_first=False), the original Transformer's
layout, whose gradients near the output are large at initialisation: at Adam 1e-2 (the top of the
usual range) from the first step the early updates overshoot, the loss spikes and the model never
leaves chance; the original Transformer and BERT train it with a linear warm-up (Xiong et al. 2020
explain why post-LN needs it). `--fixed` is the healthy twin with both remedies traindx gives: a
linear warm-up over the first 100 steps (LambdaLR) to a lower peak, 3e-3 (warm-up alone to 1e-2
learns at first, then falls back to chance in epoch 3). Built from code, nothing downloaded; CPU.
Task: which of 8 tokens occurs most often in a sequence of 24.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="warm up linearly over --warmup steps to --fixed-lr")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--lr", type=float, default=1e-2)
parser.add_argument("--warmup", type=int, default=100)
parser.add_argument("--fixed-lr", type=float, default=3e-3, help="the peak rate with --fixed")
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
V, T, N = 8, 24, 2048
x = torch.randint(0, V, (N, T))
y = torch.stack([torch.bincount(row, minlength=V).argmax() for row in x])
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(V, 64)
        layer = nn.TransformerEncoderLayer(
            d_model=64, nhead=4, dim_feedforward=128, dropout=0.0, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)
        self.head = nn.Linear(64, V)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.embed(tokens)).mean(dim=1))


model = Encoder()
optimizer = torch.optim.Adam(model.parameters(), lr=args.fixed_lr if args.fixed else args.lr)
schedule = (
    torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / args.warmup))
    if args.fixed
    else None
)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total, correct = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        if schedule is not None:
            schedule.step()
        total += loss.item()
        correct += int((logits.argmax(-1) == yb).sum())
    print(f"epoch {epoch} loss {total / len(loader):.4f} acc {correct / N:.3f}")
