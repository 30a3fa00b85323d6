"""Whether `torch.compile` runs a model: forward hooks added and removed around sampled steps
would make TorchDynamo trace traindx's reductions into the model's graph and recompile it (a
small MLP's steps measured 20x slower), so a compiled model is recorded without activation taps."""

from __future__ import annotations

import gc

from torch import nn


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
