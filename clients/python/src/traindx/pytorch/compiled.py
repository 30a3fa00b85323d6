"""Whether `torch.compile` runs a model: forward hooks added and removed around sampled steps
would make TorchDynamo trace traindx's reductions into the model's graph and recompile it (a
small MLP's steps measured 20x slower), so a compiled model is recorded without activation taps.
traindx's hooks read `compiling()` first and do nothing while Dynamo traces, so a model called
inside a compiled function (which no wrapper reveals) is traced as it is without traindx."""

from __future__ import annotations

import gc
from typing import Any, Callable

import torch
from torch import nn

from .loss_facts import autograd_nodes

# True while TorchDynamo traces. Read first in every hook: the tracer folds it to a constant and
# puts no guard on anything the hook would have read after it.
compiling: Callable[[], bool] = getattr(getattr(torch, "compiler", None), "is_compiling", None) or (
    lambda: False
)


def is_compiled(model: nn.Module) -> bool:
    """`model.compile()`, `torch.compile(model)` handed to traindx, or a live compiled wrapper
    around `model` (what `traindx run` meets: it finds the model through the optimizer's
    parameters, which the wrapper shares)."""
    if getattr(model, "_compiled_call_impl", None) is not None or hasattr(model, "_orig_mod"):
        return True
    try:
        from torch._dynamo.eval_frame import OptimizedModule
    except Exception:  # a torch without TorchDynamo compiles nothing
        return False
    return any(
        issubclass(type(obj), OptimizedModule) and getattr(obj, "_orig_mod", None) is model
        for obj in gc.get_objects()
    )


def traced_loss(grad_fn: Any, depth: int = 8) -> bool:
    """Whether a loss came out of a compiled graph (its autograd graph holds AOTAutograd's node
    within a few steps): a step function under `@torch.compile` that calls an uncompiled model."""
    return any(type(node).__name__.startswith("CompiledFunction") for node in autograd_nodes(grad_fn, depth))
