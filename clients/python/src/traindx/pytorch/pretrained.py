"""Whether a watched model starts from loaded weights: a fine-tuning run (`model.pretrained` on the
run event, docs/spec/trace-format-extensions.md). A rate that suits training from scratch wipes out
what a pretrained model knows, so the server judges a fine-tuning run's first updates by their own
measure; it can only do that when it is told the weights were loaded.

`nn.Module.load_state_dict` is wrapped once, process-wide: a call that returns marks the module it
was called on (the model or any submodule, such as a loaded backbone under a new head). The watcher
reads the marks when it describes the run, at the first optimizer step, so a load before training
counts and a checkpoint restored later does not. The wrapper calls the original with the same
arguments and returns its result: loading is unchanged.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from torch import nn

_MARK = "_traindx_loaded_state"
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Wraps `nn.Module.load_state_dict` (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    original = nn.Module.load_state_dict

    def load_state_dict(self: nn.Module, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        # A plain attribute (not a parameter, buffer or module); a module that refuses attributes
        # keeps its load, only the mark is lost.
        with contextlib.suppress(Exception):
            object.__setattr__(self, _MARK, True)
        return result

    load_state_dict.__wrapped__ = original  # type: ignore[attr-defined]
    nn.Module.load_state_dict = load_state_dict  # type: ignore[method-assign]


def loaded(model: nn.Module) -> bool:
    """True when `load_state_dict` returned on the model or one of its submodules."""
    return any(getattr(m, _MARK, False) for m in model.modules())


def fields(model: nn.Module) -> dict[str, Any]:
    """The run event's model field for a model whose weights were loaded (empty otherwise)."""
    return {"pretrained": True} if loaded(model) else {}
