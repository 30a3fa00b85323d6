"""A PyTorch script that trains in phases: the head alone with Adam (body frozen), then the whole
model with a new SGD optimizer made anew each epoch (a hand-made learning-rate decay), then a
second model. No traindx in it."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def epoch(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer) -> float:
    for x, y in loader:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def main() -> None:
    torch.manual_seed(0)
    x = torch.randn(256, 8)
    y = x[:, :3].argmax(1)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
    for p in model[0].parameters():
        p.requires_grad = False
    head = torch.optim.Adam(model[2].parameters(), lr=1e-2)
    for _ in range(2):
        print("head", epoch(model, loader, head))
    for p in model[0].parameters():
        p.requires_grad = True
    for k in range(2):
        print("all", epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.1 * 0.5**k)))
    other = nn.Sequential(nn.Linear(8, 3))
    print("other", epoch(other, loader, torch.optim.SGD(other.parameters(), lr=0.1)))


if __name__ == "__main__":
    main()
