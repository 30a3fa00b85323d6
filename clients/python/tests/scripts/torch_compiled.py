"""A PyTorch script that trains through `torch.compile`, printing its last loss exactly (repr),
so that a run under traindx can be compared with one without it. No traindx in it. --step
compiles a function that calls the (uncompiled) model and computes the loss, in place of the
model."""

import sys

import torch
from torch import nn


def main() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))
    step_compiled = "--step" in sys.argv
    compiled = model if step_compiled else torch.compile(model)

    @torch.compile
    def loss_of(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(model(xb), yb)

    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.randn(1024, 32)
    y = x[:, :4].argmax(1)
    for step in range(60):
        i = (step * 64) % len(x)
        optimizer.zero_grad()
        if step_compiled:
            loss = loss_of(x[i : i + 64], y[i : i + 64])
        else:
            loss = nn.functional.cross_entropy(compiled(x[i : i + 64]), y[i : i + 64])
        loss.backward()
        optimizer.step()
    print("last loss", repr(loss.item()))


if __name__ == "__main__":
    main()
