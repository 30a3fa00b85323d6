"""One PyTorch run of a Spec, recorded by the traindx client (run.watch)."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import torch
from prepare import prepare
from scenarios import Spec
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import traindx

_ACT = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def build(spec: Spec, features: int, outputs: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = features
    for units in spec.hidden:
        layers.append(nn.Linear(width, units))
        if spec.batch_norm:
            layers.append(nn.BatchNorm1d(units))
        layers.append(_ACT[spec.activation]())
        if spec.dropout:
            layers.append(nn.Dropout(spec.dropout))
        width = units
    layers.append(nn.Linear(width, outputs))
    if spec.head == "sigmoid":
        layers.append(nn.Sigmoid())
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for m in model:
            if not isinstance(m, nn.Linear):
                continue
            if spec.init == "zeros":
                m.weight.zero_()
                m.bias.zero_()
            elif spec.init == "large":
                m.weight.normal_(0, spec.init_std)
            elif spec.init == "negative_bias" and m is not layers[-1]:
                m.bias.fill_(-5.0)
    if spec.freeze == "all_but_last":
        for m in model[:-1]:
            for p in m.parameters():
                p.requires_grad_(False)
    return model


def naive_log_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """log(softmax(x)) written by hand: underflows to log(0) = -inf on confident wrong outputs."""
    return -torch.log(torch.softmax(logits, dim=1)[torch.arange(len(y)), y]).mean()


class Setup(NamedTuple):
    """A Spec's data, model, optimizer and loss, made in the order the recorded runs made them
    (the seed's draws: data, then the model's initial weights, then the loader's order)."""

    xt: torch.Tensor
    yt: torch.Tensor
    xv: torch.Tensor
    yv: torch.Tensor
    yv_array: np.ndarray
    model: nn.Sequential
    optimizer: torch.optim.Optimizer
    loss_of: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    regression: bool
    outputs: int
    loader: DataLoader


def setup(spec: Spec, seed: int) -> Setup:
    torch.manual_seed(seed)
    xt, yt, xv, yv = prepare(spec, seed)
    regression = spec.loss == "mse"
    outputs = 1 if regression else int(max(yt.max(), yv.max())) + 1
    model = build(spec, xt.shape[1], outputs)
    params = [p for p in model.parameters() if p.requires_grad]
    if spec.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=spec.lr, weight_decay=spec.weight_decay)
    elif spec.optimizer == "momentum":
        opt = torch.optim.SGD(params, lr=spec.lr, momentum=0.9, weight_decay=spec.weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=spec.lr, weight_decay=spec.weight_decay)
    ce = nn.CrossEntropyLoss()

    def loss_of(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if regression:
            return nn.functional.mse_loss(out.squeeze(1), y)
        if spec.loss == "mse_onehot":
            return nn.functional.mse_loss(out, nn.functional.one_hot(y, outputs).float())
        if spec.loss == "naive_log":
            return naive_log_loss(out, y)
        return ce(out, y)

    yt_t = torch.tensor(yt, dtype=torch.float32 if regression else torch.long)
    yv_t = torch.tensor(yv, dtype=torch.float32 if regression else torch.long)
    xt_t = torch.tensor(xt)
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(xt_t, yt_t), batch_size=spec.batch, shuffle=True, generator=generator)
    return Setup(xt_t, yt_t, torch.tensor(xv), yv_t, yv, model, opt, loss_of, regression, outputs, loader)


def train(spec: Spec, seed: int, out: str, run_id: str) -> None:
    _, _, xv_t, yv_t, yv, model, opt, loss_of, regression, outputs, loader = setup(spec, seed)
    with traindx.init(out=out, run_id=run_id, name=run_id, every=5, config={"epochs": spec.epochs}) as run:
        run.watch(model, opt, epochs_from_loaders=False)
        if regression:
            run.describe(task="regression")
        for epoch in range(spec.epochs):
            run.current_epoch = epoch
            model.train()
            # The epoch's training loss and accuracy over its batches, as Keras reports them.
            total, correct, seen = 0.0, 0, 0
            for xb, yb in loader:
                opt.zero_grad()
                out_b = model(xb)
                loss = loss_of(out_b, yb)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(yb)
                seen += len(yb)
                if not regression:
                    correct += int((out_b.argmax(1) == yb).sum())
            train = {"loss": total / seen}
            if not regression:
                train["accuracy"] = correct / seen
            model.eval()
            with torch.no_grad():
                out_v = model(xv_t)
                val = {"loss": float(loss_of(out_v, yv_t))}
                if not regression:
                    val["accuracy"] = float((out_v.argmax(1) == yv_t).float().mean())
            run.log_epoch(epoch, train=train, val=val)
        if not regression:
            with torch.no_grad():
                predicted = model(xv_t).argmax(1).numpy()
            run.eval("val", yv.tolist(), predicted.tolist(), num_classes=outputs)
