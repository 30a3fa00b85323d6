"""A small pre-LN Transformer encoder whose attention logits grow until the softmax saturates
(issue 19, transformers and sequence models).

Dehghani et al. 2023 (ViT-22B) and Wortsman et al. 2023 (small-scale proxies) found that at a
high learning rate the query and key projections keep growing, the attention logits q·kᵀ/√d grow
with their product, and the softmax turns one-hot (its entropy collapses): the attention stops
mixing and training stalls or diverges. Both fix it by layer-normalising q and k; a lower rate
avoids it too. This run: 2 pre-LN layers (d 64, 4 heads) trained with Adam at 3e-2 after a short
linear warm-up (so that it is not the no-warm-up fault). `--fixed` is the healthy twin at 1e-3,
the same warm-up. Built from code, nothing downloaded; CPU, one thread.
Task: a sequence of 16 tokens whose first token names a position; the label is the token there.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--fixed", action="store_true", help="train at --fixed-lr instead of --lr")
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--lr", type=float, default=3e-2)
parser.add_argument("--fixed-lr", type=float, default=1e-3)
parser.add_argument("--warmup", type=int, default=20)
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)  # a tiny model: one thread is as fast, and the machine is shared
V, T, N = 16, 16, 2048
x = torch.randint(0, V, (N, T))
y = x[torch.arange(N), x[:, 0] % T]
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(V, 64)
        self.position = nn.Embedding(T, 64)
        layer = nn.TransformerEncoderLayer(
            d_model=64, nhead=4, dim_feedforward=128, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(64, V)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens) + self.position(torch.arange(tokens.shape[1]))
        return self.head(self.encoder(h)[:, 0])


model = Encoder()
optimizer = torch.optim.Adam(model.parameters(), lr=args.fixed_lr if args.fixed else args.lr)
schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / args.warmup))
loss_fn = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    total, correct = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        schedule.step()
        total += loss.item()
        correct += int((logits.argmax(-1) == yb).sum())
    print(f"epoch {epoch} loss {total / len(loader):.4f} acc {correct / N:.3f}")
