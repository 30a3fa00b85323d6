"""A language model trained as Karpathy's GPT lessons train one, no traindx in it: a token stream
split into `train_data` and `val_data`, batches of windows cut from it at random
(`torch.stack([data[i : i + block_size] for i in ix])`), the loss computed inside the model's
`forward`, and every `--eval-interval` iterations an `estimate_loss()` of both splits under
`@torch.no_grad()`. Prints `TRAIN <loss>` and `VAL <loss>` for each estimate."""

import argparse

import torch
import torch.nn.functional as F
from torch import nn


class TinyLM(nn.Module):
    def __init__(self, vocab: int, block: int) -> None:
        super().__init__()
        self.token = nn.Embedding(vocab, 32)
        self.position = nn.Embedding(block, 32)
        self.head = nn.Linear(32, vocab)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor):
        positions = torch.arange(idx.shape[1], device=idx.device)
        logits = self.head(self.token(idx) + self.position(positions))
        B, T, C = logits.shape
        loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T))
        return logits, loss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evals", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    vocab, block_size, batch_size, eval_interval, eval_iters = 40, 16, 16, 20, 4
    # A stream with structure to learn: each token mostly follows from the one before.
    successor = torch.randperm(vocab)
    data = torch.empty(3000, dtype=torch.long)
    data[0] = 0
    noise = torch.randint(0, vocab, (3000,))
    keep = torch.rand(3000) < 0.7
    for i in range(1, 3000):
        data[i] = successor[data[i - 1]] if keep[i] else noise[i]
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]

    def get_batch(split: str) -> tuple[torch.Tensor, torch.Tensor]:
        source = train_data if split == "train" else val_data
        ix = torch.randint(len(source) - block_size - 1, (batch_size,))
        x = torch.stack([source[i : i + block_size] for i in ix])
        y = torch.stack([source[i + 1 : i + block_size + 1] for i in ix])
        return x, y

    model = TinyLM(vocab, block_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)

    @torch.no_grad()
    def estimate_loss() -> None:
        model.eval()
        for split in ["train", "val"]:
            losses = torch.zeros(eval_iters)
            for k in range(eval_iters):
                X, Y = get_batch(split)
                _, loss = model(X, Y)
                losses[k] = loss.item()
            print(f"{split.upper()} {losses.mean().item()}")
        model.train()

    max_iters = args.evals * eval_interval
    for it in range(1, max_iters + 1):
        xb, yb = get_batch("train")
        _, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if it % eval_interval == 0:
            estimate_loss()


if __name__ == "__main__":
    main()
