"""Records a PyTorch model's training from its optimizer's steps."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, Optional

import torch
from torch import nn

from ..guard import guarded
from ..planned_epochs import EpochCounter, read_epoch_loop, same_each_pass
from . import amp_scaler, no_grad_mode, pretrained
from . import capture as capture_module
from .activation_taps import ActivationTaps
from .attention_taps import AttentionTaps
from .capture import capture
from .compiled import compiling, is_compiled, traced_loss
from .data_facts import class_indices, describe_data, loader_facts, one_hot, split_batch
from .data_source import stream_beside, tensors_beside, whole_batch
from .layer_stats import GradReading, LayerStatsPlan
from .loss_facts import describe_loss, loss_class_of, task_of
from .model_facts import describe_model, note_functional_activations, track_layers, units_of
from .optimizer_facts import describe_optimizer, learning_rate_of
from .split_sketch import SplitSketches
from .training_rows import TrainingRows, TrainingWindows, training_rows, training_windows
from .validation import TrainingAccuracy, ValidationPass, observer, reaches, see_output

if TYPE_CHECKING:
    from ..run import Run


class TorchWatcher:
    """Turns each optimizer step into a step event: the loss `backward` was called on, the
    learning rate, the global gradient norm (kept on the device until the next flush). Every
    `every`-th step (from step 0) also gets per-layer statistics: weights, gradients and the
    update from one fused pass, and activations from forward hooks attached after the previous
    step and removed after this one. The first step also describes the run (model, optimizer,
    loss, data). Nothing here changes the training: no RNG draws, no gradient edits, no mode
    switches, and nothing is read back to the host between flushes.

    With `optimizer`, hooks are registered on it; without, the caller (`traindx run`'s global
    optimizer hooks, or a Lightning/HF callback) calls `before_step` and `after_step`.
    """

    def __init__(
        self,
        run: Run,
        model: nn.Module,
        optimizer: Optional[torch.optim.Optimizer] = None,
        *,
        every: int = 10,
        loss_fn: Any = None,
        epochs_from_loaders: bool = True,
        framework: str = "pytorch",
        histogram_every: Optional[int] = None,
    ) -> None:
        capture_module.install()
        if not capture.input_hooks:  # a run after another: the model's first calls are looked at again
            capture.arm_inputs()
        amp_scaler.install()  # a GradScaler's scale and skipped steps (amp_scaler.py)
        pretrained.install()  # weights loaded before training: a fine-tuning run (pretrained.py)
        self.run = run
        self.model = model
        self.optimizer = optimizer
        self.every = every
        # Weight and gradient histograms cost a few passes of their own per kernel and sixty
        # numbers per layer in the trace: by default every tenth sampled step and at most every
        # 100 steps (0: never).
        self.histogram_every = max(every * 10, 100) if histogram_every is None else histogram_every
        self.framework = framework
        self.loss_class = type(loss_fn).__name__ if loss_fn is not None else None
        self.layers = track_layers(model)
        self.plan = LayerStatsPlan(self.layers)
        self.taps = ActivationTaps(
            self.layers, self.plan.vector.slots, self.plan.layout.act, self.plan.vector.host
        )
        # attnLogitMax, attnEntropy (attention_taps.py)
        self.attention = AttentionTaps(self.layers, self.plan.vector.slots, self.plan.layout.attn)
        self.step = 0
        self._last_global_step = -1
        self._grads: Optional[GradReading] = None
        self._ungraded: Optional[set[int]] = None
        self._before: Optional[list[torch.Tensor]] = None
        self._first_input: Optional[torch.Tensor] = None
        # The first training batch's inputs when no DataLoader gave them: a no_grad forward of
        # memory they share is the training data evaluated, no validation (validation.see_output).
        self.train_input: Optional[torch.Tensor] = None
        # The training set's rows (training_rows.py), and whether the last evaluating forward of
        # the model was given some of them: the training data evaluated, no validation.
        self.train_rows: Optional[TrainingRows | TrainingWindows] = None
        self.evaluating_training = False
        self._handles: list[Any] = []
        self._epochs_from_loaders = epochs_from_loaders
        # The evaluation losses since the last training step (validation.py), and the epoch a
        # training loader ended, held back until the next training step so that the validation
        # pass which follows it is written as its `val` (number, last step, training accuracy).
        self.validation = ValidationPass()
        self.train_accuracy = TrainingAccuracy()  # a classifier's, over the epoch's batches
        # The values of the run's loss function since the last step (validation.py), and whether
        # the last step's loss was theirs: a validation loss is comparable with it only then.
        self.step_losses: list[tuple[torch.Tensor, Any]] = []  # (value, its autograd node)
        self._comparable = False
        self._ended: Optional[tuple[int, int, TrainingAccuracy]] = None
        self._loader_fed = False  # batches from a DataLoader: epochs are the loaders' passes
        # The training loader's pass has ended: the epoch ends at what follows it (`_epoch_ended`).
        self._pass_ended = False
        # Without one, the script's `for epoch in range(n)` variable moving on ends an epoch
        # (planned_epochs.EpochCounter); without that either, a validation pass does.
        self._epoch_counter: Optional[EpochCounter] = None
        self._epoch_start = 0  # the step the current epoch began with
        self._training_pass: Any = None  # a weak reference to the loader pass the steps train on
        self._predictions: Optional[tuple[list[int], list[int], int]] = None
        if optimizer is not None:
            amp_scaler.register(self, optimizer)
            optimizer._traindx_watched = True  # type: ignore[attr-defined]
            self._handles.append(optimizer.register_step_pre_hook(lambda opt, a, k: self.before_step(opt)))
            self._handles.append(optimizer.register_step_post_hook(lambda opt, a, k: self.after_step(opt)))
        self._input_hook: Any = model.register_forward_pre_hook(self._see_input)
        # Forwards with gradients off: the outputs of an accuracy loop that computes no loss
        # (validation.see_output). A training forward costs it one flag read.
        self._output_hook: Any = model.register_forward_hook(self._see_output)
        # Evaluating forwards of training rows (training_rows.py), seen before the forward: a model
        # that computes its loss inside `forward` (nanoGPT's) calls the loss function before any
        # forward hook runs. A training forward costs it two flag reads.
        self._eval_input_hook: Any = model.register_forward_pre_hook(self._see_eval_input)
        if epochs_from_loaders:
            capture.epoch_listeners.append(self._epoch_ended)
            capture.loader_listeners.append(self._loader_began)
        # Validation forwards without model.eval() (no_grad_mode.py); None without Dropout/BatchNorm.
        self._no_grad = no_grad_mode.watch(model)
        self.sketches = SplitSketches()
        capture.loader_listeners.append(self.sketches.see_loader)
        # Hooks make TorchDynamo recompile a compiled model and trace the reductions (compiled.py).
        self.compiled = is_compiled(model)
        self.taps.disabled = self.attention.disabled = self.compiled
        self.taps.attach()  # step 0 is sampled
        self.attention.attach()

    # -- the optimizer's step ------------------------------------------------------------------

    def sampled(self, step: Optional[int] = None) -> bool:
        return (self.step if step is None else step) % self.every == 0

    @guarded
    def before_step(self, optimizer: Optional[torch.optim.Optimizer] = None) -> None:
        """Gradients are final here: read their norms, and on sampled steps copy the kernels."""
        if self.run.finished:
            return
        if self.step == 0 and not self.run.started:
            self.describe_run(optimizer or self.optimizer)
        else:
            self.training_loss_seen()  # (a loss of the loop's own is seen here first)
        self._end_epoch()
        self._training_pass = capture.last_iterator
        sampled = self.sampled()
        self._grads = self.plan.read_grads(detailed=sampled)
        # No parameter got a gradient (a loss on a detached tensor): on sampled steps that is
        # written as gradNorm 0, the evidence for "the weights did not change because nothing
        # reached them". Only then is requires_grad read, once per weight.
        self._ungraded = self.plan.ungraded_layers() if sampled and self._grads is None else None
        self._before = self.plan.snapshot() if sampled else None

    @guarded
    def after_step(
        self, optimizer: Optional[torch.optim.Optimizer] = None, loss: Any = None, **fields: Any
    ) -> None:
        """The update is done: log the step (and its layer statistics when sampled)."""
        if self.run.finished:
            return
        opt = optimizer or self.optimizer
        sampled = self.sampled()
        if loss is None:
            loss = self._loss_of_step(capture.take_loss())
        layers = None
        if sampled:
            histograms = bool(self.histogram_every) and self.step % self.histogram_every == 0
            layers = self.plan.measure(
                self._grads, self._before, self.taps.take(), self._ungraded, histograms=histograms, loss=loss
            )
            self.attention.merge_into(layers)
            loss = layers.field("loss", loss)  # read back with the step's statistics
        grad_norm: Any = self._grads.total if self._grads is not None else None
        if grad_norm is None and sampled and self._ungraded:
            grad_norm = 0.0
        self._grads = self._before = self._ungraded = None
        if self.run.current_epoch is None:
            self.run.current_epoch = 0
        if amp_scaler.state.pending is not None:  # inside a GradScaler's step
            fields = {**amp_scaler.take(), **fields}
        self.run.log(
            self.step,
            loss=loss,
            learning_rate=learning_rate_of(opt) if opt is not None else None,
            grad_norm=grad_norm,
            layers=layers,
            # Sampled steps only (one attribute read): a step taken in eval mode is how
            # "model.eval() was never undone" shows in the trace.
            training=bool(self.model.training) if sampled else None,
            **fields,
        )
        self.step += 1
        self.evaluating_training = False  # (seen anew at the next evaluation's forward)
        capture.optimizer_steps += 1
        self._last_global_step = capture.optimizer_steps
        if self._epochs_from_loaders:
            observer.stepped(self)  # evaluation losses from here on are this run's (validation.py)
        if self.compiled:
            return  # the hooks stay as they are (see describe_run)
        if self.sampled():
            self.taps.attach()  # (already attached when this step was sampled too)
            self.attention.attach()
        else:
            self.taps.detach()
            self.attention.detach()

    def _loss_of_step(self, trained_on: Any) -> Any:
        """The step's loss: the value of the run's loss function when the loop called it (their
        mean when it accumulates gradients over several calls: the tensor `backward` got is then
        a share of it), else the tensor `backward` was called on (a loss of the loop's own)."""
        values, self.step_losses = self.step_losses, []
        # Only values the tensor backward got was made from: another run's loss seen on this
        # run's watch (two runs stepping in turn, before the observer stands aside) is not.
        self._comparable = bool(values) and reaches(capture.last_grad_fn, values[-1][1])
        if not self._comparable:
            return trained_on
        if len(values) == 1:
            return values[0][0]
        with torch.no_grad():
            return torch.stack([v.float() for v, _ in values]).mean()

    def stop_recording(self, error: BaseException) -> None:
        """After an error inside traindx (guard.py): the hooks come off, the training goes on
        (and what was held back for the next step is not written: it may be what failed)."""
        self._ended = self._predictions = None
        self.validation, self.train_accuracy = ValidationPass(), TrainingAccuracy()
        self.detach()

    def detach(self) -> None:
        """Removes every hook (called by `run.finish`, which then writes the end: the last
        epoch and the last validation pass are written before it)."""
        if not self.run.finished:
            observer.settle()
            if self._last_counted_epoch_open():
                self._close_epoch()  # no next step will see the script's epoch loop move on
            self._after_training_pass()
            self._end_epoch()
            self._write_eval()
        if self._epoch_counter is not None:
            self._epoch_counter.release()
        if observer.owner is self:
            observer.owner = None
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._drop_input_hook()
        if self._output_hook is not None:
            self._output_hook.remove()
            self._output_hook = None
        if self._eval_input_hook is not None:
            self._eval_input_hook.remove()
            self._eval_input_hook = None
        self.taps.detach()
        self.attention.detach()
        if self._epoch_ended in capture.epoch_listeners:
            capture.epoch_listeners.remove(self._epoch_ended)
        if self._loader_began in capture.loader_listeners:
            capture.loader_listeners.remove(self._loader_began)
        if self._no_grad is not None:
            self._no_grad.remove()
        if self.sketches.see_loader in capture.loader_listeners:
            capture.loader_listeners.remove(self.sketches.see_loader)

    def _last_counted_epoch_open(self) -> bool:
        """At the run's end: whether the steps since the last epoch counted by the script's epoch
        loop variable make one more (not when the run crashed or was interrupted in it)."""
        if self._epoch_counter is None or self._ended is not None or self.step <= self._epoch_start:
            return False
        return not self.run.ended_midway

    # -- what the run is -----------------------------------------------------------------------

    def describe_run(self, optimizer: Optional[torch.optim.Optimizer]) -> None:
        """Model, optimizer, loss, task and data, from what the first step shows (weights are
        still the initial ones here, so their initializers can be named)."""
        run = self.run
        run.describe(framework=self.framework, tags={"torch": torch.__version__})
        # Activations applied as functions, from the loss's autograd graph (functional_activations.py).
        changed = note_functional_activations(self.layers, capture.last_grad_fn)
        if changed:
            self.plan.count_zeros()
            for index in changed:  # this step's outputs were judged before the activation was known
                self.taps.captured.pop(index, None)
        run.describe(model={**describe_model(self.layers, self.model), **pretrained.fields(self.model)})
        if optimizer is not None:
            run.describe(optimizer=describe_optimizer(optimizer))
        ends_in_log_softmax = bool(self.layers) and self.layers[-1].torch_type == "LogSoftmax"
        loss_class = self.loss_class or loss_class_of(capture.last_grad_fn, ends_in_log_softmax)
        self.loss_class = loss_class  # the validation loss is this function's (validation.py)
        self._loader_fed = capture.last_batch is not None
        run.describe(**describe_loss(loss_class))
        x, y = split_batch(capture.last_batch)
        if x is None:  # no DataLoader: what the model's first call and the loss module received
            x = self._first_input if self._first_input is not None else capture.first_input_of(self.model)
            if y is None:  # a loss module's target, else a functional loss's (validation.Observer)
                y = capture.first_target if capture.first_target is not None else observer.first_target
            self.train_input = x if isinstance(x, torch.Tensor) else None
        if not self.compiled and traced_loss(capture.last_grad_fn):
            # Called inside a compiled function: its hooks stay as the first trace saw them (doing
            # nothing there); any change to them would recompile the function.
            self.compiled = self.taps.disabled = self.attention.disabled = True
        if not self.compiled:  # described: module calls go back to torch's fast path
            capture.disarm_inputs()  # (a compiled graph would be recompiled without the taps)
        full_batch = False
        if capture.last_loader is not None:
            facts = loader_facts(capture.last_loader)
        elif same_each_pass(x, sys._getframe()):  # the whole set in each step: each is an epoch
            full_batch = True
            facts = whole_batch(x, y)
        else:  # batches sliced by hand: the tensors they come from, in the script (data_source.py)
            facts = tensors_beside(x, y, sys._getframe())
        self.sketches.see_train(capture.last_loader)
        self.train_rows = training_rows(facts.get("train_inputs"))
        if self.train_rows is None and not facts and capture.last_loader is None:
            stream = stream_beside(x, sys._getframe())  # batches of windows of a token stream?
            if stream is not None and isinstance(x, torch.Tensor):
                self.train_rows = training_windows(stream, x.shape[1])
        units = next((u for u in (units_of(layer.module) for layer in reversed(self.layers)) if u), None)
        labels = facts.get("all_labels", y)
        task = task_of(loss_class, units, labels is not None and one_hot(labels))
        if task is None and labels is not None and class_indices(labels) is not None and units and units > 1:
            task = "classification"
        num_classes = units if task == "classification" and units and units >= 2 else None
        if task == "binary-classification":
            num_classes = 2
        run.describe(task=task)
        # A hand-written loop's `for epoch in range(n)`, read from the running script. Not for a
        # trainer's run (Lightning, HF: epochs_from_loaders off), whose loops are the library's
        # and which describes its own: a script's loops around `fit()` are folds or sweeps.
        if self._epochs_from_loaders:
            planned, counter = read_epoch_loop(full_batch=full_batch)
            run.describe(epochs=planned)
            if not self._loader_fed:
                self._epoch_counter = counter
            elif counter is not None:
                counter.release()
        try:
            dataset = describe_data(
                x,
                y if task in ("classification", "binary-classification", "regression") else None,
                num_classes=num_classes,
                all_labels=facts.get("all_labels") if task != "regression" else None,
                all_inputs=facts.get("all_inputs"),
                train_size=facts.get("train_size"),
            )
            run.describe(dataset=dataset)
        except Exception as err:  # odd data costs the run its data facts, never its training
            run.describe(tags={"dataFactsError": repr(err)[:200]})
        batch_size = facts.get("batch_size") or (
            x.shape[0] if isinstance(x, torch.Tensor) and x.dim() else None
        )
        if batch_size:
            run.describe(batchSize=int(batch_size))

    @guarded
    def _see_input(self, module: nn.Module, inputs: Any) -> None:
        if compiling() or self.compiled:  # kept as the trace saw it (describe_run)
            return
        if self._first_input is None and inputs and isinstance(inputs[0], torch.Tensor):
            self._first_input = inputs[0]
        self._drop_input_hook()  # one look is enough

    def _see_eval_input(self, module: nn.Module, inputs: Any) -> None:
        if (torch.is_grad_enabled() and module.training) or compiling() or observer.owner is not self:
            return  # (a training forward: two flag reads)
        if self.compiled:  # kept as the trace saw it (describe_run)
            return
        with contextlib.suppress(Exception):  # an odd batch costs the pass, never the forward
            # An evaluation (gradients off, or the model in eval mode) of training rows that no
            # evaluation loader gave: its losses and outputs are kept apart from the pass's others
            # (validation.current_pass). A loader's batches are its split's, as `validates` has
            # it (a validation set that shares rows with the training set is still one).
            rows = self.train_rows
            self.evaluating_training = (
                rows is not None and bool(inputs) and self._loader_pass() is None and rows.holds(inputs[0])
            )

    def _see_output(self, module: nn.Module, inputs: Any, output: Any) -> None:
        if compiling() or torch.is_grad_enabled() or observer.owner is not self or self.compiled:
            return
        with contextlib.suppress(Exception):  # an odd output costs the pass its accuracy, never the forward
            see_output(self, inputs, output, capture.last_batch)

    def _drop_input_hook(self) -> None:
        if self._input_hook is not None:
            self._input_hook.remove()
            self._input_hook = None

    @guarded
    def _epoch_ended(self, since: int) -> None:
        """A loader's pass ended. Only the run whose optimizer stepped during it has ended an
        epoch, and not quite yet: a loader that fetches a batch ahead (accelerate's
        DataLoaderShard, a prefetcher around the loader) ends its pass as it hands out the last
        batch, before the step on it. The epoch ends at what follows the pass: an evaluation,
        another pass of a loader, the run's end (`_after_training_pass`)."""
        if self.run.finished or self.run.current_epoch is None or self._last_global_step <= since:
            return
        self._pass_ended = True

    @guarded
    def _loader_began(self, loader: Any) -> None:
        self._after_training_pass()

    def _after_training_pass(self) -> None:
        if self._pass_ended:
            self._pass_ended = False
            self._close_epoch()

    def validates(self) -> bool:
        """Whether an evaluation loss computed now is of the validation data (validation.py):
        not of a new pass over the training set's loader (a script that also evaluates its
        training data), nor of a second evaluation split (a test set evaluated every epoch).
        Tensors evaluated outside any loader pass (a validation set held in memory) are; those
        that are rows of the training set are kept apart in the pass (`evaluating_training`)."""
        if self._loader_pass() is None:
            return True  # no loader gave this batch (the training pass's are all consumed)
        return self.sketches.split_of(capture.last_loader) in (None, "val")

    def _loader_pass(self) -> Any:
        """The pass of a loader other than the training one that gave the last batch, or None."""
        ref = capture.last_iterator
        passing = ref() if ref is not None else None
        training = self._training_pass() if self._training_pass is not None else None
        return None if passing is training else passing

    def training_loss_seen(self) -> None:
        """A training loss was computed (validation.Observer), or a step is about to be taken: if
        the script's epoch loop has moved on since the last one, the epoch before has ended (seen
        at the new epoch's first loss, before its batch counts toward any training accuracy)."""
        if self._epoch_counter is not None and self._epoch_counter.moved_on() and self._ended is None:
            self._close_epoch()

    def pass_began(self) -> None:
        """A validation pass began after a training step (validation.py). Without a DataLoader
        there are no loader passes to end epochs: there the validation pass ends one, unless the
        script's epoch loop variable is read (its moving on ends them then: a validation every
        few hundred steps is no epoch end)."""
        self._after_training_pass()
        if not self._loader_fed and self._epoch_counter is None and self._ended is None and self.step > 0:
            self._close_epoch()

    def _close_epoch(self) -> None:
        """The epoch's training is over: its number, last step and training accuracy are kept
        until the validation pass after it has been seen (`_end_epoch`)."""
        self._end_epoch()  # (a pass without steps in between: its epoch is complete)
        epoch = self.run.current_epoch or 0
        self._ended = (epoch, self.step - 1, self.train_accuracy)
        self._epoch_start = self.step
        self.train_accuracy = TrainingAccuracy()
        self.run.current_epoch = epoch + 1

    def _end_epoch(self) -> None:
        """Writes the epoch ended last, with the validation pass computed since (at the next
        training step, or at the end of the run)."""
        if self._ended is None:
            return
        (epoch, step, accuracy), self._ended = self._ended, None
        if self.validation.after_step <= step:
            # Begun before the epoch's last step: outputs seen with gradients off inside a training
            # step (pseudo-labels, a teacher pass) are no validation. Losses keep the older rule.
            self.validation.outputs = None
            if self.validation.training is not None:
                self.validation.training.outputs = None
        validation = self.validation.validation_part()  # (not the training rows it evaluated)
        val, train = validation.summary(self.loss_class), accuracy.summary()
        if not self._comparable:  # a loss of the loop's own: only the accuracy compares
            val.pop("loss", None)
        if observer.shared:  # two runs stepped in turn: whose losses were seen is unknown
            val, train = {}, {}
        else:
            self._predictions = validation.predictions() or self._predictions
        self.validation = ValidationPass()
        extra = {**self.sketches.take(), **no_grad_mode.fields(self._no_grad)}
        self.run.log_epoch(epoch, train=train or None, val=val or None, step=step, extra=extra)

    def _write_eval(self) -> None:
        """The eval event of a classifier: the last validation pass's predictions."""
        if self._predictions is None or self.run.evaluated:
            return
        predicted, truth, classes = self._predictions
        self.run.eval("val", truth, predicted, num_classes=classes)
