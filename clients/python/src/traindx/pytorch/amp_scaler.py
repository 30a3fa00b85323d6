"""Mixed precision: what `torch.amp.GradScaler` did at each optimizer step, written on the step
as `lossScale` and `stepSkipped` (docs/spec/trace-format-extensions.md).

`GradScaler.step` unscales the gradients and calls `optimizer.step()` only when they are all
finite; otherwise the step is skipped and `update()` halves the scale. A skipped step never
reaches the optimizer, so the watchers' step hooks do not see it: here it is recorded through
traindx's own hooks, with the gradients the scaler found non-finite. The loss `backward` was
called on is the scaled one (`scaler.scale(loss).backward()`); the step is written with the
loss the model computed. Nothing here changes the training: the scaler's own methods run
unchanged, and what is read is the scale it used and the verdict it already took.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional

import torch

from .capture import capture

if TYPE_CHECKING:
    from .watcher import TorchWatcher

Hook = Callable[[torch.optim.Optimizer, Any, Any], None]


class AmpState:
    """The step being taken under a scaler, and where a skipped one is to be recorded."""

    def __init__(self) -> None:
        # Fields for the step being taken (`loss_scale`, `step_skipped`), taken by the watcher
        # that logs it; still here after the scaler's step means no optimizer stepped.
        self.pending: Optional[dict[str, Any]] = None
        # (storage address of the scaled loss, the loss before scaling), from `scale()`.
        self.scaled: Optional[tuple[int, torch.Tensor]] = None
        self.watchers: weakref.WeakKeyDictionary[torch.optim.Optimizer, TorchWatcher] = (
            weakref.WeakKeyDictionary()
        )
        self.global_hooks: Optional[tuple[Hook, Hook]] = None
        self.installed = False
        self.lock = threading.Lock()
        self.restore: list[Callable[[], None]] = []


state = AmpState()


def take() -> dict[str, Any]:
    """The scaler's fields for the step a watcher is logging (empty outside a scaler's step)."""
    fields, state.pending = state.pending, None
    return fields or {}


def register(watcher: TorchWatcher, optimizer: Optional[torch.optim.Optimizer]) -> None:
    """A watcher given its optimizer (`run.watch(model, opt)`): a skipped step is logged by it."""
    if optimizer is not None:
        state.watchers[optimizer] = watcher


def use_global_hooks(before: Hook, after: Hook) -> None:
    """`traindx run`'s global optimizer hooks: a skipped step of any other optimizer goes to them.
    Installs the wrappers now, at torch's import: a scaler often skips its first steps (its
    initial scale is too large), before any optimizer step would have installed them."""
    state.global_hooks = (before, after)
    install()


def install() -> None:
    """Wraps `GradScaler.scale` and `GradScaler.step` (idempotent; torch.cuda.amp's subclass too)."""
    # torch >= 2.3 has torch.amp.GradScaler (torch.cuda.amp's is a subclass); before, only the CUDA one.
    scaler_class = getattr(torch.amp, "GradScaler", None) or getattr(torch.cuda.amp, "GradScaler", None)
    if scaler_class is None:
        return
    with state.lock:
        if state.installed:
            return
        state.installed = True
    original_scale = scaler_class.scale
    original_step = scaler_class.step

    def scale(self: Any, outputs: Any) -> Any:
        scaled = original_scale(self, outputs)
        if isinstance(outputs, torch.Tensor) and outputs.dim() == 0 and isinstance(scaled, torch.Tensor):
            state.scaled = (scaled.data_ptr(), outputs.detach())
        return scaled

    def step(self: Any, optimizer: torch.optim.Optimizer, *args: Any, **kwargs: Any) -> Any:
        if not getattr(self, "_enabled", False) or getattr(self, "_scale", None) is None:
            return original_step(self, optimizer, *args, **kwargs)
        _unscale_captured_loss()
        # The scale this step's gradients were multiplied by (update() changes it in place later).
        fields: dict[str, Any] = {"loss_scale": self._scale.detach().clone()}
        # An optimizer that steps under the scaler itself (fused kernels) skips inside its step.
        judged = not getattr(optimizer, "_step_supports_amp_scaling", False)
        if judged:
            fields["step_skipped"] = False
        state.pending = fields
        try:
            result = original_step(self, optimizer, *args, **kwargs)
        except BaseException:
            state.pending = None
            raise
        if state.pending is not None:  # no watcher logged a step: the optimizer did not step
            if judged and _found_inf(self, optimizer):
                state.pending["step_skipped"] = True
                _log_skipped(optimizer)
            state.pending = None
        return result

    scale.__wrapped__ = original_scale  # type: ignore[attr-defined]
    step.__wrapped__ = original_step  # type: ignore[attr-defined]
    scaler_class.scale = scale  # type: ignore[method-assign]
    scaler_class.step = step  # type: ignore[method-assign]
    state.restore.append(lambda: setattr(scaler_class, "scale", original_scale))
    state.restore.append(lambda: setattr(scaler_class, "step", original_step))


def uninstall() -> None:
    """Puts the scaler's methods back (tests)."""
    with state.lock:
        while state.restore:
            state.restore.pop()()
        state.installed = False
        state.pending = state.scaled = None


def _unscale_captured_loss() -> None:
    """The loss capture saw `backward` on the scaled loss: hand it the loss before scaling."""
    scaled, state.scaled = state.scaled, None
    last = capture.last_loss
    if scaled is not None and last is not None and last.data_ptr() == scaled[0]:
        capture.last_loss = scaled[1]


def _found_inf(scaler: Any, optimizer: torch.optim.Optimizer) -> bool:
    """The scaler's own verdict for this optimizer (already read back by it to decide the skip)."""
    found = scaler._per_optimizer_states[id(optimizer)].get("found_inf_per_device") or {}
    return any(float(v.item()) > 0 for v in found.values())


def _log_skipped(optimizer: torch.optim.Optimizer) -> None:
    """Records a step the scaler skipped through traindx's own step hooks, as if it had stepped:
    its gradients (non-finite) and the unchanged weights, with `step_skipped` from `pending`."""
    watcher = state.watchers.get(optimizer)
    if watcher is not None:
        watcher.before_step(optimizer)
        watcher.after_step(optimizer)
    elif state.global_hooks is not None:
        before, after = state.global_hooks
        before(optimizer, (), {})
        after(optimizer, (), {})
