"""The optimizer part of the run event, and the model an optimizer trains."""

from __future__ import annotations

import gc
import warnings
from typing import Any, Optional

import torch
from torch import nn


def _number(value: Any) -> Optional[float]:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def learning_rate_of(optimizer: torch.optim.Optimizer) -> Any:
    """The first parameter group's learning rate (a float, or a tensor left on its device)."""
    return optimizer.param_groups[0].get("lr") if optimizer.param_groups else None


def configured_rate(group: dict[str, Any]) -> Optional[float]:
    """The rate a parameter group is configured to train at: with a learning-rate scheduler
    attached, the highest of its base (`initial_lr`, which every scheduler sets), its peak
    (`max_lr`: OneCycleLR, CyclicLR) and the current rate. At the first step a warm-up's current
    rate is a small fraction of it (3e-2 read as 1.5e-3 under a 20-step linear warm-up), and the
    run event's rate is what advice about "the learning rate" changes."""
    rates = [_number(group.get(key)) for key in ("lr", "initial_lr", "max_lr")]
    known = [r for r in rates if r is not None]
    return max(known) if known else None


def describe_optimizer(optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    """Family name (`sgd`, `adam`, `adamw`, ...) and the first group's hyper-parameters (the
    learning rate as configured: `configured_rate`; the per-step rate is on every step event)."""
    group = optimizer.param_groups[0] if optimizer.param_groups else {}
    info: dict[str, Any] = {"name": type(optimizer).__name__.lower()}
    rate = configured_rate(group)
    if rate is not None:
        info["learningRate"] = rate
    for key, field in (
        ("momentum", "momentum"),
        ("weight_decay", "weightDecay"),
        ("eps", "epsilon"),
        ("alpha", "rho"),
    ):
        value = _number(group.get(key))
        if value is not None:
            info[field] = value
    betas = group.get("betas")
    if isinstance(betas, (tuple, list)) and len(betas) == 2:
        info["beta1"], info["beta2"] = _number(betas[0]), _number(betas[1])
    if isinstance(group.get("nesterov"), bool):
        info["nesterov"] = group["nesterov"]
    return info


def find_model(optimizer: torch.optim.Optimizer) -> Optional[nn.Module]:
    """The module an optimizer trains, found among live modules: the one holding most of its
    parameters; of those the largest (a model whose lower layers are frozen is still the whole
    model, not its trained head); of equals the one with fewest modules (a model, not its wrapper)."""
    wanted = {id(p) for group in optimizer.param_groups for p in group["params"]}
    best: Optional[nn.Module] = None
    best_key = (0, 0, 0)
    with warnings.catch_warnings():
        # isinstance on some lazily deprecated objects (torch.distributed.reduce_op) warns.
        warnings.simplefilter("ignore")
        # By the object's type, not isinstance: isinstance asks a weakref proxy for its
        # __class__, which raises once its referent is gone (torch.compile leaves such proxies).
        modules = [obj for obj in gc.get_objects() if issubclass(type(obj), nn.Module)]
    for obj in modules:
        params = list(obj.parameters())
        covered = sum(1 for p in params if id(p) in wanted)
        if covered == 0:
            continue
        key = (covered, sum(p.numel() for p in params), -sum(1 for _ in obj.modules()))
        if key > best_key:
            best, best_key = obj, key
    return best
