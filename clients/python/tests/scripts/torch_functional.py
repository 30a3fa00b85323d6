"""The PyTorch MNIST example's shape on generated data, with no traindx in it: a Net class whose
forward calls F.relu and F.log_softmax, nll_loss, Adadelta with StepLR, train() and test()
functions per epoch. --bias -6 sets the ReLU layers' biases so that every unit starts dead."""

import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=1)


def train(model, loader, optimizer, epoch):
    model.train()
    for data, target in loader:
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()


def test(model, loader):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            out = model(data)
            loss += F.nll_loss(out, target, reduction="sum").item()
            pred = out.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    print(f"test loss {loss / len(loader.dataset):.4f} acc {correct / len(loader.dataset):.3f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--bias", type=float, default=0.0)
    args = p.parse_args()
    torch.manual_seed(1)
    w = torch.randn(20, 3)
    x = torch.randn(2000, 20)
    y = (x @ w).argmax(1)
    train_loader = DataLoader(TensorDataset(x[:1600], y[:1600]), batch_size=32, shuffle=True)
    test_loader = DataLoader(TensorDataset(x[1600:], y[1600:]), batch_size=200)
    model = Net()
    if args.bias:
        with torch.no_grad():
            model.fc1.bias.fill_(args.bias)
            model.fc2.bias.fill_(args.bias)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, args.epochs + 1):
        train(model, train_loader, optimizer, epoch)
        test(model, test_loader)
        scheduler.step()


if __name__ == "__main__":
    main()
