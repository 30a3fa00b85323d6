"""`traindx run` for hand-written TensorFlow loops: `tf.GradientTape` and a Keras optimizer.

A custom training loop (the Keras guide's "training loop from scratch") never calls `fit`: it
computes a loss under a `tf.GradientTape`, asks the tape for the gradients and hands them to
`optimizer.apply_gradients`. Each `apply` of a Keras optimizer outside `fit` is a step of the run
of the model that owns the variables it updates: the loss is the target the tape was last asked
to differentiate, the gradient norm is the global norm of the gradients applied, and the step is
recorded by a TraindxCallback driven as `fit` would drive it (the per-layer statistics of sampled
steps, the run's description at its first step). Epochs are the passes of a `tf.data` iterator
that end while the optimizer stepped, or, for batches sliced from arrays by hand, the passes of
the loop's own `for epoch in range(n)` (its variable moving on, planned_epochs.EpochCounter);
the planned epochs are that loop's `n` (`planned_epochs.py`).

Inside a `tf.function` (the guide's `@tf.function def train_step`), Python runs once, while the
function is traced, and no TensorFlow op may run inside the function's own host calls (with one
inter-op thread, as many set it, one that did would wait forever for the thread it holds). So
the step is recorded around the function's calls, from the script's thread: a function whose
trace applied gradients is a step function; before each of its calls a sampled step copies the
kernels, and after it the step is written, with the loss and the gradient norm that one
`tf.py_function` placed after the update handed over (it only keeps two numbers). That changes
no value in the function. An XLA-compiled function (`jit_compile=True`), which cannot run
Python, and a distribution strategy's replicas are left unrecorded. Only the TensorFlow backend
is hooked.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from typing import TYPE_CHECKING, Any, Optional

import keras
import tensorflow as tf

from ..guard import report
from ..patching import wrap_method
from ..planned_epochs import EpochCounter, read_epoch_loop
from .callback import TraindxCallback
from .data_facts import as_array

if TYPE_CHECKING:
    from ..autolog import AutologSession

_local = threading.local()  # the tape's last target, and whether an apply is already recorded
# The batch the last tf.data iterator gave in Python (not thread-local: a tf.function's host
# calls, which describe the run, run on TensorFlow's own threads).
_last_batch: list[Any] = [None]


class TapeRun:
    """The run of one model trained by apply calls: its callback, driven step by step."""

    def __init__(self, session: AutologSession, model: Any, optimizer: Any) -> None:
        self.model = weakref.ref(model)
        self.optimizer = weakref.ref(optimizer)
        self.loss: Any = None  # the Keras loss object the loop calls, once seen
        self.session = session
        self.run = session.new_run("keras")
        self.callback: Optional[TraindxCallback] = None
        self.failed = False
        self.steps = 0  # optimizer steps so far: an iterator's pass that saw some is an epoch
        self.epoch = 0
        self.epoch_began = 0  # the step count when the current epoch began
        # Without tf.data passes ending epochs, the script's epoch loop variable ends them.
        self.counter: Optional[EpochCounter] = None
        self.data_epochs = False
        self.planned: Optional[int] = None
        self.began = False  # begin() ran for a step not yet ended
        # (loss, gradient norm) of a step function's step, handed over by its host call.
        self.handed: Optional[tuple[Optional[float], Optional[float]]] = None
        self.looked = False  # for the planned epochs, read where the script's frames are seen

    def look(self) -> None:
        """Reads the planned epochs from the script's loops and the loss object it called, once:
        where apply is called from the script (eagerly, or while a tf.function is traced), not
        from a host call's thread."""
        if self.loss is None:
            self.loss = getattr(_local, "loss", None)
        if not self.looked:
            self.looked = True
            self.planned, self.counter = read_epoch_loop(sys._getframe(1))
            self.run.attach(self)

    def begin(self) -> None:
        """Before the update: describes the run at its first step; copies kernels when sampled."""
        model = self.model()
        if self.failed or model is None or self.run.finished:
            return
        if self.callback is None:
            x, y = _first_batch()
            callback = TraindxCallback(
                self.run,
                x=x,
                y=y,
                batch_size=len(x) if x is not None else None,
                every=self.session.every,
                finish=False,
            )
            callback.batch_only = True  # the facts of one batch: the training set is not seen
            callback.loop_optimizer, callback.loop_loss = self.optimizer(), self.loss
            callback.set_model(model)
            self.run.describe(epochs=self.planned)
            callback.on_train_begin()
            callback.on_epoch_begin(0)
            self.callback = callback
        elif self.counter is not None and not self.data_epochs and self.counter.moved_on():
            self._next_epoch()
        if not self.began:
            self.began = True
            self.callback.on_train_batch_begin(self.run.last_step + 1)

    def end(self, loss: Optional[float], grad_norm: Optional[float]) -> None:
        """After the update: the step's loss, gradient norm and (sampled) layer statistics."""
        self.began = False
        if self.failed or self.callback is None or self.run.finished:
            return
        logs = {"loss": loss} if loss is not None else {}
        self.callback.on_train_batch_end(self.run.last_step + 1, logs, grad_norm=grad_norm)
        self.steps += 1

    def pass_ended(self, steps_before: int) -> None:
        """A tf.data iterator ran out: an epoch, if the optimizer stepped during its pass."""
        if self.callback is None or self.run.finished or self.steps <= steps_before:
            return
        self.data_epochs = True
        self._next_epoch()

    def _next_epoch(self) -> None:
        self.callback.on_epoch_end(self.epoch, {})  # type: ignore[union-attr]
        self.epoch += 1
        self.epoch_began = self.steps
        self.callback.on_epoch_begin(self.epoch)  # type: ignore[union-attr]

    def detach(self) -> None:
        """The run finishes (Run.attach): the last pass of the script's epoch loop is an epoch,
        unless the run crashed or was interrupted in it."""
        counting = self.counter is not None and not self.data_epochs and self.callback is not None
        if counting and self.steps > self.epoch_began and not self.run.ended_midway:
            self.callback.on_epoch_end(self.epoch, {})  # type: ignore[union-attr]
        if self.counter is not None:
            self.counter.release()


def _first_batch() -> tuple[Any, Any]:
    """x and y of the batch the last tf.data iterator gave, as arrays (or None, None)."""
    batch = _last_batch[0]
    if not isinstance(batch, (tuple, list)) or not batch:
        return None, None
    x = as_array(batch[0])
    y = as_array(batch[1]) if len(batch) > 1 and x is not None else None
    return x, y if y is not None and len(y) == len(x) else None


def patch_tape_loops(session: AutologSession) -> None:
    """Wraps `tf.GradientTape.gradient`, Keras' `Loss.__call__`, the Keras optimizers' `apply`,
    `tf.data`'s iterator and `tf.function` calls (once each: `wrap_method`; TensorFlow backend
    only)."""
    from keras.src.optimizers.base_optimizer import BaseOptimizer
    from tensorflow.python.data.ops.iterator_ops import OwnedIterator
    from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function
    from tensorflow.python.ops import control_flow_util

    runs: dict[int, TapeRun] = {}  # by id of the model
    owners: dict[tuple[int, frozenset[int]], Any] = {}  # (optimizer, variables) -> model ref

    def gradient(original: Any, tape: Any, args: tuple, kwargs: dict) -> Any:
        target = args[0] if args else kwargs.get("target")
        if isinstance(target, tf.Tensor) and target.shape.rank == 0:
            _local.target = target
        return original(tape, *args, **kwargs)

    def loss_call(original: Any, loss: Any, args: tuple, kwargs: dict) -> Any:
        if not session.managed:
            _local.loss = loss  # the loss function of a loop's step, for the run's description
        return original(loss, *args, **kwargs)

    def apply(original: Any, optimizer: Any, args: tuple, kwargs: dict) -> Any:
        grads = args[0] if args else kwargs.get("grads")
        given = args[1] if len(args) > 1 else kwargs.get("trainable_variables")
        if session.managed or getattr(_local, "applying", False) or given is None:
            return original(optimizer, *args, **kwargs)
        variables = list(given)
        target, _local.target = getattr(_local, "target", None), None
        tape_run = _tape_run(optimizer, variables)
        if tape_run is None:
            return original(optimizer, grads, variables)
        tape_run.look()
        _local.applying = True
        try:
            present = [g for g in grads if g is not None]
            if not tf.inside_function():
                tape_run_call(tape_run.begin)
                result = original(optimizer, grads, variables)
                norm = float(tf.linalg.global_norm(present)) if present else None
                loss = float(target) if target is not None else None
                tape_run_call(tape_run.end, loss, norm)
                return result
            graph = tf.compat.v1.get_default_graph()
            calling = getattr(_local, "calling", None)
            if (
                control_flow_util.GraphOrParentsInXlaContext(graph)
                or tf.distribute.has_strategy()
                or not calling
            ):
                return original(optimizer, grads, variables)
            # The outermost function the script called is the step function (one it calls inside
            # is traced into it). Its first call is being traced now, after its call began: the
            # step begins here, in the script's thread, with the variables as they are.
            known = step_functions.get(id(calling[0]))
            if known is None or known[0]() is not calling[0]:
                known = step_functions[id(calling[0])] = (weakref.ref(calling[0]), [])
            if tape_run not in known[1]:
                known[1].append(tape_run)  # a GAN's step function applies two optimizers
            with tf.init_scope():
                tape_run_call(tape_run.begin)
            result = original(optimizer, grads, variables)
            reads = [tf.identity(v.value) for v in variables]
            norm = tf.linalg.global_norm(present) if present else tf.constant(float("nan"))
            loss = target if target is not None and getattr(target, "graph", None) is graph else None
            with tf.control_dependencies(reads):
                if loss is not None:
                    tf.py_function(lambda v, n: _hand(tape_run, v, n), [loss, norm], [])
                else:
                    tf.py_function(lambda n: _hand(tape_run, None, n), [norm], [])
            return result
        finally:
            _local.applying = False

    def _tape_run(optimizer: Any, variables: list[Any]) -> Optional[TapeRun]:
        key = (id(optimizer), frozenset(id(v) for v in variables))
        ref = owners.get(key)
        model = ref() if ref is not None else None
        if model is None:
            model = _owner_of(variables)
            if model is None:
                return None
            owners[key] = weakref.ref(model)
        known = runs.get(id(model))
        if known is None or known.model() is not model or known.run.finished:
            known = runs[id(model)] = TapeRun(session, model, optimizer)
        return known

    # tf.functions whose trace applied gradients, with the runs they step.
    step_functions: dict[int, tuple[Any, list[TapeRun]]] = {}

    def call(original: Any, function: Any, args: tuple, kwargs: dict) -> Any:
        calling = getattr(_local, "calling", None)
        if calling is None:
            calling = _local.calling = []
        known = step_functions.get(id(function)) if not calling else None
        for tape_run in known[1] if known is not None and known[0]() is function else ():
            tape_run_call(tape_run.begin)
        calling.append(function)
        try:
            result = original(function, *args, **kwargs)
        finally:
            calling.pop()
        if not calling:
            for _, stepped in list(step_functions.values()):
                for tape_run in stepped:
                    if tape_run.handed is not None:
                        (loss, norm), tape_run.handed = tape_run.handed, None
                        tape_run_call(tape_run.end, loss, norm)
        return result

    def next_batch(original: Any, iterator: Any, args: tuple, kwargs: dict) -> Any:
        steps = getattr(iterator, "_traindx_steps", None)
        if steps is None:
            steps = iterator._traindx_steps = {id(r): r.steps for r in runs.values()}
        try:
            batch = original(iterator, *args, **kwargs)
        except StopIteration:
            for tape_run in list(runs.values()):
                tape_run_call(tape_run.pass_ended, steps.get(id(tape_run), 0))
            iterator._traindx_steps = None
            raise
        if not session.managed:
            _last_batch[0] = batch
        return batch

    wrap_method(tf.GradientTape, "gradient", gradient)
    wrap_method(keras.losses.Loss, "__call__", loss_call)
    wrap_method(BaseOptimizer, "apply", apply)
    wrap_method(OwnedIterator, "__next__", next_batch)
    wrap_method(Function, "__call__", call)


def _hand(tape_run: TapeRun, loss: Any, norm: Any) -> None:
    """A step function's host call, after the update: keeps the step's loss and gradient norm
    for the script's thread (`call`), and runs no TensorFlow op (see the module's docstring)."""
    value = float(loss.numpy()) if loss is not None else None
    n = float(norm.numpy())
    tape_run.handed = (value, n if n == n else None)


def tape_run_call(method: Any, *args: Any) -> None:
    """Calls a TapeRun's method; an error inside traindx stops this run's recording (reported
    once) and never reaches the training, which may be a TensorFlow function's host call."""
    tape_run: TapeRun = method.__self__
    if tape_run.failed:
        return
    try:
        method(*args)
    except Exception as err:
        tape_run.failed = True
        report("stopped recording a GradientTape loop", err)


def _owner_of(variables: list[Any]) -> Any:
    """The smallest live Keras model whose trainable variables include all of `variables` (a
    GAN's discriminator, not the combined model that holds it), or None."""
    wanted = {id(v) for v in variables}
    best, size = None, None
    for obj in gc.get_objects():
        if not isinstance(obj, keras.Model):
            continue
        try:
            mine = {id(v) for v in obj.trainable_variables}
        except Exception:
            continue
        if wanted <= mine and (size is None or len(mine) < size):
            best, size = obj, len(mine)
    return best
