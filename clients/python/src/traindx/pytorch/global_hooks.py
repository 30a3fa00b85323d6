"""`traindx run` for plain PyTorch loops: global optimizer step hooks find each training run."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Optional

import torch
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from ..guard import report
from . import amp_scaler, pretrained
from . import capture as capture_module
from .optimizer_facts import find_model
from .watcher import TorchWatcher

if TYPE_CHECKING:
    from ..autolog import AutologSession


def install_global_hooks(session: AutologSession) -> None:
    """Every optimizer not watched otherwise starts a run at its first step, with the model found
    through its parameters (steps while a Keras/Lightning/HF callback owns training are skipped)."""
    capture_module.install()
    pretrained.install()  # at torch's import: a load_state_dict before the first step (pretrained.py)
    # By the optimizer's id: a weak reference to tell a live optimizer from a gone one, its
    # watcher, and the ids of the parameters it trains.
    watchers: dict[int, tuple[weakref.ref[torch.optim.Optimizer], TorchWatcher, frozenset[int]]] = {}

    def watcher_for(optimizer: torch.optim.Optimizer) -> Any:
        if getattr(optimizer, "_traindx_watched", False) or session.managed:
            return None
        known = watchers.get(id(optimizer))
        if known is not None and known[0]() is optimizer:
            return known[1]
        model = find_model(optimizer)
        if model is None:
            return None
        params = frozenset(id(p) for group in optimizer.param_groups for p in group["params"])
        watcher = continued(model, params)
        if watcher is None:
            run = session.new_run("pytorch")
            watcher = TorchWatcher(run, model, None, every=session.every)
            run._watchers.append(watcher)
        watchers[id(optimizer)] = (weakref.ref(optimizer), watcher, params)
        return watcher

    def continued(model: torch.nn.Module, params: frozenset[int]) -> Optional[TorchWatcher]:
        """The open run a new optimizer of `model` continues: that of the model's latest optimizer
        which is gone or trains some of the same parameters (a second phase of training, an
        optimizer made anew each epoch), so the model's epochs make one history. An optimizer
        that lives on over other parameters of the model trains beside the new one (a GAN's two
        in one module): a run of its own."""
        for key in reversed(list(watchers)):
            ref, watcher, theirs = watchers[key]
            if watcher.model is not model or watcher.run.finished:
                continue
            if ref() is None or theirs & params:
                return watcher
        return None

    refused: set[int] = set()  # optimizers whose run could not be started (reported once)

    def before(optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        if id(optimizer) in refused:
            return
        try:
            watcher = watcher_for(optimizer)
        except Exception as err:  # never the training's end (guard.py)
            refused.add(id(optimizer))
            report("could not start recording an optimizer's run", err)
            return
        if watcher is not None:
            watcher.before_step(optimizer)  # guarded itself

    def after(optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        known = watchers.get(id(optimizer))
        if known is not None and known[0]() is optimizer and not session.managed:
            known[1].after_step(optimizer)

    register_optimizer_step_pre_hook(before)
    register_optimizer_step_post_hook(after)
    amp_scaler.use_global_hooks(before, after)  # steps a GradScaler skipped never reach the optimizer
