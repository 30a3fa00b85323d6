"""The validation passes of a plain PyTorch loop, seen through the loss functions it calls.

A plain loop has no `val_loss` for a recorder to read: it computes one, batch by batch, in a
pass of its own. What marks that pass is a loss computed that trains nothing: under
`torch.no_grad()` or `torch.inference_mode()`, or while the watched model is in eval mode and
no `backward` follows before the next loss is computed (a validation that forgot `no_grad`;
a training step taken in eval mode by mistake calls `backward`, so its losses are not taken
for an evaluation). Each such call adds its loss, weighted by its examples, and for a
classifier its correct predictions to the pass, which the watcher writes as the `val` of the
epoch it follows (watcher.py holds the epoch event back until the next training step for that).
A classifier's training losses give the epoch's training accuracy (`TrainingAccuracy`), and
the values of the run's loss function give its step's loss (watcher.py: a share of it is what
`backward` gets when gradients are accumulated). Two runs that step in turn cannot be told
apart by their losses: the observer then stands aside (`Observer.stepped`).

The losses are seen at `torch.nn.functional`'s loss functions, which the `torch.nn` loss modules
call too. Seeing them never changes them: the wrapper calls the original with the same
arguments and returns its result; a training step costs it a flag or two and, for a classifier,
one argmax.

A validation loop that calls no loss function (it counts `torch.max(outputs, 1)` hits itself) is
seen at the model instead: its outputs under no_grad, judged against the labels of the batch its
loader gave, or without a loader the labels beside its inputs in the script (`see_output`), give
that pass an accuracy and the eval event, and no loss.
"""

from __future__ import annotations

import functools
import sys
import types
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Callable, Optional

import torch
from torch.nn import functional as F

from ..planned_epochs import first_script_frame
from .compiled import compiling
from .data_facts import split_batch
from .loss_facts import autograd_nodes

# Each function → the loss class the trace names it by (loss_facts.py), and how its prediction
# is read for accuracy: "classes" (argmax over dim 1 against class indices), "logits" (> 0),
# "probabilities" (> 0.5), or None (a regression loss: no accuracy).
_FUNCTIONS: dict[str, tuple[str, Optional[str]]] = {
    "cross_entropy": ("CrossEntropyLoss", "classes"),
    "nll_loss": ("NLLLoss", "classes"),
    "binary_cross_entropy_with_logits": ("BCEWithLogitsLoss", "logits"),
    "binary_cross_entropy": ("BCELoss", "probabilities"),
    "mse_loss": ("MSELoss", None),
    "l1_loss": ("L1Loss", None),
    "smooth_l1_loss": ("SmoothL1Loss", None),
    "huber_loss": ("HuberLoss", None),
}

# Loss classes that are one loss for a classifier: a model ending in log_softmax trained with
# nll_loss is named CrossEntropyLoss by its autograd graph (loss_facts.py).
_SAME = {"NLLLoss": "CrossEntropyLoss", "BCELoss": "BCEWithLogitsLoss"}

# Predictions kept per pass for the run's eval event (a confusion matrix): as many as the Keras
# callback predicts of a validation set.
PREDICTION_LIMIT = 10_000


@dataclass
class LossTotals:
    """One loss function's sums over a pass, on the device until the pass is read."""

    loss: list[torch.Tensor] = field(default_factory=list)  # per call: mean loss x examples
    examples: int = 0
    correct: list[torch.Tensor] = field(default_factory=list)
    judged: list[Any] = field(default_factory=list)  # predictions compared (ints or tensors)


@dataclass
class ValidationPass:
    """The evaluation losses computed after one training step, per loss class."""

    after_step: int = -1  # the watcher's step count when the pass began
    totals: dict[str, LossTotals] = field(default_factory=dict)
    predicted: list[torch.Tensor] = field(default_factory=list)
    truth: list[torch.Tensor] = field(default_factory=list)
    kept: int = 0
    classes: int = 0
    # The model's own outputs in the pass, judged against the loader's labels (`see_output`):
    # the accuracy of a pass that computes no loss (a loop counting `torch.max(out, 1)` hits).
    outputs: Optional[ValidationPass] = None
    # What the pass evaluated of the training set's rows (training_rows.py): nanoGPT's
    # `estimate_loss()` evaluates both splits, a loop may evaluate `x_train` beside `x_val`.
    # The validation only when the pass evaluated nothing else (`validation_part`).
    training: Optional[ValidationPass] = None

    def validation_part(self) -> ValidationPass:
        """The pass without its evaluations of training rows, unless those are all it has: a
        training set found too wide (a tensor that holds the validation rows as well) then
        costs nothing."""
        if not self.totals and self.outputs is None and self.training is not None:
            return self.training
        return self

    def summary(self, loss_class: Optional[str]) -> dict[str, float]:
        """`{"loss", "accuracy"?}` of the training's loss function (else of the one called most
        often), mean per example over the pass; read back in one transfer. A pass without a loss
        gives the accuracy of the model's outputs, if they were judged."""
        if not self.totals:
            return self.outputs.accuracy() if self.outputs is not None else {}
        calls = {k: len(t.loss) for k, t in self.totals.items()}
        key = loss_class if loss_class in calls else max(calls, key=calls.__getitem__)
        totals = self.totals[key]
        if not totals.examples:
            return {}
        with torch.no_grad():
            device = totals.loss[0].device
            parts = [torch.stack([t.float() for t in totals.loss]).sum()]
            counts = [torch.as_tensor(c, device=device).reshape(()).float() for c in totals.judged]
            if counts:
                parts.append(torch.stack([t.float().to(device) for t in totals.correct]).sum())
                parts.append(torch.stack(counts).sum())
            numbers = torch.stack(parts).tolist()  # the pass's one read
        out = {"loss": numbers[0] / totals.examples}
        if counts and numbers[2] > 0:
            out["accuracy"] = numbers[1] / numbers[2]
        return out

    def accuracy(self) -> dict[str, float]:
        """`{"accuracy"}` of the predictions judged, whatever their loss (one read), or {}."""
        correct = [c for t in self.totals.values() for c in t.correct]
        judged = [torch.as_tensor(j).reshape(()).float() for t in self.totals.values() for j in t.judged]
        if not correct:
            return {}
        with torch.no_grad():
            sums = [torch.stack(correct).sum().float(), torch.stack(judged).sum()]
            hits, total = torch.stack(sums).tolist()
        return {"accuracy": hits / total} if total > 0 else {}

    def predictions(self) -> Optional[tuple[list[int], list[int], int]]:
        """The class predictions and targets kept (up to PREDICTION_LIMIT) and the class count
        (of the loss calls, else of the model's outputs)."""
        if not self.predicted:
            return self.outputs.predictions() if self.outputs is not None else None
        with torch.no_grad():
            predicted = torch.cat([p.reshape(-1).cpu() for p in self.predicted]).tolist()
            truth = torch.cat([t.reshape(-1).cpu() for t in self.truth]).tolist()
        return predicted, truth, max(self.classes, 2)


class TrainingAccuracy:
    """A classifier's correct predictions over an epoch's training batches. Each batch costs one
    operation (its argmax, or its threshold for a binary loss) and keeps that and its target by
    reference; they are compared in bulk once FOLD values are kept and at the epoch's end, so a
    step pays for no comparison and no sum of its own."""

    FOLD = 1 << 16

    def __init__(self) -> None:
        self.predicted: list[torch.Tensor] = []
        self.truth: list[torch.Tensor] = []
        self.kept = 0
        self.hits: list[torch.Tensor] = []
        self.judged: list[torch.Tensor] = []
        self.counted = 0  # binary targets: every value is an example

    def add(self, judged_as: str, prediction: torch.Tensor, target: torch.Tensor) -> None:
        # Detached first: nothing is recorded for autograd (a no_grad context per step would
        # cost more than the argmax).
        pair = _predicted_and_true(judged_as, prediction.detach(), target.detach())
        if pair is None:
            return
        predicted, truth = pair
        self.predicted.append(predicted)
        self.truth.append(truth)
        self.kept += predicted.numel()
        if self.kept >= self.FOLD:
            self._fold()

    def _fold(self) -> None:
        if not self.predicted:
            return
        with torch.no_grad():
            predicted, truth = (
                torch.cat([p.reshape(-1) for p in self.predicted]),
                torch.cat([t.reshape(-1) for t in self.truth]),
            )
            self.hits.append((predicted == truth).sum())
            if truth.dtype == torch.bool:
                self.counted += truth.numel()
            else:  # a sequence loss's padding (ignore_index -100) is no example, and never a hit
                self.judged.append((truth >= 0).sum())
        self.predicted, self.truth, self.kept = [], [], 0

    def summary(self) -> dict[str, float]:
        """`{"accuracy"}` over the epoch's batches so far (one read), or {} for no classifier."""
        self._fold()
        if not self.hits:
            return {}
        with torch.no_grad():
            sums = [torch.stack(self.hits).sum()]
            if self.judged:
                sums.append(torch.stack(self.judged).sum())
            numbers = torch.stack(sums).tolist()  # the epoch's one read
        judged = self.counted + (numbers[1] if self.judged else 0)
        return {"accuracy": numbers[0] / judged} if judged > 0 else {}


class Observer:
    """Where evaluation losses go: the pass of the watcher that stepped last (`owner`)."""

    def __init__(self) -> None:
        self.owner: Any = None  # a TorchWatcher: has .model, .run and .validation
        # A loss computed with gradients on while the model was in eval mode: an evaluation only
        # if no backward comes before the next loss (see the module's docstring).
        self.tentative: Optional[tuple[Any, str, tuple[Any, ...], dict[str, Any], Any, bool, bool]] = None
        self.backwards = 0  # `backward` calls so far (capture.py counts them)
        self._tentative_backwards = 0
        self.previous: Any = None  # the owner before the current one
        self.shared = False  # two runs stepped in turn (see `stepped`)
        # The target of the first loss function call while capture's module taps are armed (a
        # run not yet described): the labels of a loop without a DataLoader that calls the
        # functional loss (`F.cross_entropy(out, y)`), which no loss module's call shows.
        self.want_target = False
        self.first_target: Optional[torch.Tensor] = None

    def see_target(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if isinstance(target, torch.Tensor) and self.first_target is None:
            self.first_target = target.detach()

    def seen(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> None:
        owner = self.owner
        if owner is None or owner.run.finished:
            return
        self.settle()
        if not torch.is_grad_enabled():
            if owner.validates():
                _add(current_pass(owner, owner.evaluating_training), name, args, kwargs, result)
        elif not owner.model.training:
            # Whose data it is is read now: by the time it is settled a new batch may be out.
            self.tentative = (owner, name, args, kwargs, result, owner.validates(), owner.evaluating_training)
            self._tentative_backwards = self.backwards
        else:  # the training loss that settled a tentative one
            self.trained(name, args, kwargs, result)

    def settle(self) -> None:
        """Decides the tentative loss: an evaluation if no backward followed it, else a training
        step's (taken in eval mode)."""
        if self.tentative is None:
            return
        owner, name, args, kwargs, result, validates, training_rows = self.tentative
        self.tentative = None
        if owner.run.finished:
            return
        if self.backwards == self._tentative_backwards:
            if validates:
                _add(current_pass(owner, training_rows), name, args, kwargs, result)
        else:
            self.trained(name, args, kwargs, result)

    def trained(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> None:
        """A training loss of the run's loss function: its value, for the step's loss (several
        per step when gradients are accumulated), and its batch's predictions, for the epoch's
        training accuracy (a classifier's only)."""
        owner = self.owner
        loss_class, judged_as = _FUNCTIONS[name]
        if owner is not None:
            owner.training_loss_seen()  # may end an epoch first (watcher.py)
        if owner is None or _SAME.get(loss_class, loss_class) != _SAME.get(
            owner.loss_class, owner.loss_class
        ):
            return
        if isinstance(result, torch.Tensor) and result.dim() == 0:
            owner.step_losses.append((result.detach(), result.grad_fn))
        if judged_as is None:
            return
        prediction = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if isinstance(prediction, torch.Tensor) and isinstance(target, torch.Tensor):
            owner.train_accuracy.add(judged_as, prediction, target)

    def stepped(self, watcher: Any) -> None:
        """`watcher`'s optimizer stepped: evaluation and training losses from here on are its run's.
        Two runs that step in turn (a GAN's generator and discriminator) cannot be told apart by
        their losses, which would land on either: the observer then stands aside for good."""
        if self.shared or self.owner is watcher:
            return
        if self.owner is not None and self.previous is watcher and not self.owner.run.finished:
            self.shared, self.owner, self.tentative = True, None, None
            return
        self.previous, self.owner = self.owner, watcher


observer = Observer()


def current_pass(owner: Any, training_rows: bool = False) -> ValidationPass:
    """The owner's pass, begun anew after a training step: of several passes between two
    epoch ends (a validation every few hundred steps), the last one is the epoch's. With
    `training_rows` (the batch is rows of the training set), the part of it that holds those."""
    if owner.validation.after_step != owner.step:
        owner.validation = ValidationPass(after_step=owner.step)
        owner.pass_began()
    into = owner.validation
    if not training_rows:
        return into
    if into.training is None:
        into.training = ValidationPass(after_step=into.after_step)
    return into.training


def see_output(owner: Any, inputs: Any, output: Any, batch: Any) -> None:
    """A forward of the watched model with gradients off, of a classifier: its predicted classes
    (argmax over dim 1) against the labels of the batch its loader just gave (`batch`, whose
    inputs are the model's), kept beside the pass's losses. A pass that computes no loss (an
    accuracy loop of the script's own) gets its accuracy and eval event from them; any other
    is judged by its loss calls, as before. Outputs inside a training step (pseudo-labels
    computed under no_grad) are dropped when the epoch is written (watcher.py)."""
    if not isinstance(output, torch.Tensor) or output.dim() != 2 or output.shape[1] < 2:
        return
    if not output.is_floating_point() or not inputs or not isinstance(inputs[0], torch.Tensor):
        return
    given = inputs[0]
    x, y = split_batch(batch)
    if x is None or y is None or not _class_labels(y, output.shape[0]):
        y = None
    elif given is not x and (given.device == x.device or given.shape != x.shape):
        y = None  # not the batch the loader gave (a slice of it, another input), nor its copy on a device
    if y is None and not _shares_memory(given, owner.train_input):  # (the training data evaluated)
        y = labels_beside(given, output.shape[0], output.shape[1], sys._getframe(1))
    if y is None or not owner.validates():
        return
    into = current_pass(owner, owner.evaluating_training)
    if into.outputs is None:
        into.outputs = ValidationPass(after_step=into.after_step)
    judged = into.outputs
    totals = judged.totals.setdefault("outputs", LossTotals())
    totals.examples += len(y)
    _judge(judged, totals, "classes", output.detach(), y.detach().to(output.device), {})


def _class_labels(y: torch.Tensor, rows: int) -> bool:
    """Whether `y` can be the class labels of `rows` outputs: one integer per row."""
    return y.dim() == 1 and len(y) == rows and not y.is_floating_point() and y.dtype != torch.bool


def _shares_memory(a: torch.Tensor, b: Optional[torch.Tensor]) -> bool:
    """Whether `a` and `b` are views of overlapping memory: the training data evaluated whole
    (`model(x_train)`) overlaps the run's first batch, its slice (`x_train[0:32]`); a validation
    split sliced off the same array (`x[800:]`) does not."""
    if b is None or a.device != b.device or a.untyped_storage().data_ptr() != b.untyped_storage().data_ptr():
        return False

    def span(t: torch.Tensor) -> tuple[int, int]:
        reach = sum((n - 1) * abs(s) for n, s in zip(t.shape, t.stride())) + 1 if t.numel() else 0
        return t.storage_offset(), t.storage_offset() + reach

    (a0, a1), (b0, b1) = span(a), span(b)
    return a.element_size() == b.element_size() and a0 < b1 and b0 < a1


def labels_beside(given: torch.Tensor, rows: int, classes: int, frame: Optional[FrameType]) -> Any:
    """The labels of a batch no loader gave (`out = model(x_val)`, `model(xb)` with `xb, yb` sliced
    by hand), found beside its inputs: in the first frame of the script's own code outward from
    `frame`, if it holds the tensor the model was given, the one integer tensor of one label per
    row whose values are classes of the outputs. Nothing when that frame does not hold the input,
    or not exactly one such tensor is there: a guess between two would be an invented accuracy."""
    frame = first_script_frame(frame)
    if frame is None:
        return None
    names = frame.f_locals
    if not any(value is given for value in names.values()):
        return None
    found = [
        value
        for value in names.values()
        if isinstance(value, torch.Tensor) and value is not given and _class_labels(value, rows)
    ]
    if len(found) != 1 or rows == 0:
        return None
    low, high = (int(v) for v in torch.aminmax(found[0].detach()))
    return found[0] if low >= 0 and high < classes else None


def _add(into: ValidationPass, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> None:
    """Adds one loss call to the pass: its mean loss times its examples, and for a classifier
    its correct predictions (and some of the predictions themselves, for the eval event)."""
    loss_class, judged_as = _FUNCTIONS[name]
    prediction = args[0] if args else kwargs.get("input")
    target = args[1] if len(args) > 1 else kwargs.get("target")
    if not (isinstance(prediction, torch.Tensor) and isinstance(target, torch.Tensor)):
        return
    if not isinstance(result, torch.Tensor) or prediction.dim() == 0:
        return
    reduction = kwargs.get("reduction", "mean")
    with torch.no_grad():
        value = result.detach()
        # Examples: the batch's first dim (a classifier's class dim excluded); elements: what a
        # "mean" divides by, so that a "sum" becomes the same mean the training loss is.
        n = int(prediction.shape[0])
        if judged_as == "classes":
            elements = prediction.numel() // max(1, int(prediction.shape[1])) if prediction.dim() > 1 else 1
        else:
            elements = prediction.numel()
        if reduction == "sum":
            mean = value / max(1, elements)
        elif reduction == "none":
            mean = value.float().mean()
        else:
            mean = value
        totals = into.totals.setdefault(loss_class, LossTotals())
        totals.loss.append(mean.reshape(()) * n)
        totals.examples += n
        _judge(into, totals, judged_as, prediction.detach(), target.detach(), kwargs)


def _judge(
    into: ValidationPass,
    totals: LossTotals,
    judged_as: Optional[str],
    prediction: torch.Tensor,
    target: torch.Tensor,
    kwargs: dict[str, Any],
) -> None:
    pair = _predicted_and_true(judged_as, prediction, target)
    if pair is None:
        return
    predicted, truth = pair
    if judged_as == "classes":
        valid = truth != kwargs.get("ignore_index", -100)  # padding a sequence loss skips
        totals.correct.append(((predicted == truth) & valid).sum())
        totals.judged.append(valid.sum())
        if prediction.dim() == 2 and into.kept < PREDICTION_LIMIT:
            take = min(PREDICTION_LIMIT - into.kept, predicted.shape[0])
            into.predicted.append(predicted[:take])
            into.truth.append(truth[:take])
            into.kept += take
            into.classes = max(into.classes, int(prediction.shape[1]))
    else:
        totals.correct.append((predicted == truth).sum())
        totals.judged.append(truth.numel())
        if prediction.numel() == prediction.shape[0] and into.kept < PREDICTION_LIMIT:
            take = min(PREDICTION_LIMIT - into.kept, prediction.shape[0])
            into.predicted.append(predicted.reshape(-1)[:take].long())
            into.truth.append(truth.reshape(-1)[:take].long())
            into.kept += take
            into.classes = 2


def _predicted_and_true(
    judged_as: Optional[str], prediction: torch.Tensor, target: torch.Tensor
) -> Optional[tuple[torch.Tensor, torch.Tensor]]:
    """A batch's predicted classes and its true ones, as its loss function reads them: the
    argmax over dim 1 against class indices, or a binary loss's threshold (logits > 0,
    probabilities > 0.5) against targets > 0.5. None when they do not compare: a regression
    loss, class probabilities as targets (no single true class), or shapes that differ."""
    if judged_as == "classes":
        if prediction.dim() < 2 or target.is_floating_point() or target.dim() != prediction.dim() - 1:
            return None
        return prediction.argmax(1), target
    if judged_as is None or prediction.shape != target.shape:
        return None
    return prediction > (0.0 if judged_as == "logits" else 0.5), target > 0.5


def _wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """`original` with the evaluation losses seen. The wrapper's globals are the original's
    (torch.nn.functional's): TorchScript, scripting a module whose loss calls it, compiles the
    original's source (found through `__wrapped__`) but resolves its names through the function
    it was given, so everything the wrapper needs of its own comes through its closure."""
    seen, evaluating, tracing = observer, _evaluating, compiling

    def loss(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        # Traced by TorchDynamo (a compiled step that computes its loss): nothing here may enter
        # the graph, which stays the one the step gets without traindx (the flag is read first,
        # so that the tracer puts no guard on the observer's state either: no recompilation).
        if seen.want_target and not tracing():
            seen.see_target(args, kwargs)
        if not tracing() and seen.owner is not None:
            try:
                if seen.tentative is not None or evaluating():
                    seen.seen(name, args, kwargs, result)
                else:
                    seen.trained(name, args, kwargs, result)
            except Exception:  # an odd loss call costs the pass, never the loss
                seen.tentative = None
        return result

    wrapper = types.FunctionType(
        loss.__code__, original.__globals__, original.__name__, loss.__defaults__, loss.__closure__
    )
    functools.update_wrapper(wrapper, original)  # name, doc, signature (`__wrapped__`)
    return wrapper


def _evaluating() -> bool:
    """A loss that may be an evaluation: gradients off, or the watched model in eval mode."""
    return not torch.is_grad_enabled() or not observer.owner.model.training


def install() -> Callable[[], None]:
    """Wraps the loss functions of `torch.nn.functional`; returns what puts them back."""
    originals = {name: getattr(F, name) for name in _FUNCTIONS if hasattr(F, name)}
    for name, original in originals.items():
        setattr(F, name, _wrap(name, original))

    def restore() -> None:
        for name, original in originals.items():
            setattr(F, name, original)
        observer.owner = observer.tentative = observer.previous = None
        observer.shared = False

    return restore


def reaches(node: Any, target: Any, depth: int = 4) -> bool:
    """Whether the autograd node `target` is `node` or lies within `depth` steps below it: the
    loss `backward` got was made from that loss function's value (itself, a share of it when
    gradients are accumulated, or it plus a regulariser)."""
    return any(current is target for current in autograd_nodes(node, depth))
