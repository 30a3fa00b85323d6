"""Per-layer weight, update and activation statistics of a Keras model on sampled batches.

`fit` does not hand its gradients to callbacks (the TypeScript monitor's fit callback has the
same limit), so Keras traces carry weights, updates and activations, not gradients. Activations
come from one inference forward pass of a fixed probe (`training=False`: no dropout draws,
BatchNormalization statistics untouched): the first rows of the data, as many as `probe_rows`
allows. On the TensorFlow backend everything is reduced on the device in one compiled call
(`tf_stats.py`); other backends, and any step whose numbers come out non-finite (to count the
NaNs exactly), take the numpy path here.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Optional

import numpy as np

from ..activation_family import family_of
from ..encode import round6
from .model_facts import BIAS, MOVING, activation_of
from .tf_stats import SATURATION as _SATURATION
from .tf_stats import LayerNumbers, TensorflowStats

# The probe: at most this many examples, fewer when the layers' outputs for them would hold more
# than PROBE_VALUES values, but never fewer than PROBE_MIN_ROWS. Its forward pass is most of a
# sampled batch's cost: the first batch of 128 (an MLP's) cost a third of a training step, and
# 32 images a quarter of a small CNN's, where 8 images (8x32x32 positions per channel for the
# dead fraction) cost a twelfth.
PROBE_MAX_ROWS = 32
PROBE_MIN_ROWS = 8
PROBE_VALUES = 1 << 19


class KerasLayerStats:
    def __init__(self, model: Any, optimizer: Any = None) -> None:
        """`optimizer`: the one that trains `model`, when it is not `model.optimizer` (a loop of
        the script's own, gradient_tape.py)."""
        import keras

        self._keras = keras
        self.layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        self.families = [family_of(activation_of(layer)) for layer in self.layers]
        self.variables: list[tuple[int, bool, Any]] = []
        for owner, layer in enumerate(self.layers):
            for v in layer.weights:
                path = getattr(v, "path", v.name)
                if not MOVING.search(path):
                    self.variables.append((owner, bool(BIAS.search(path)), v))
        self.probe_model: Optional[Any] = None
        try:
            outputs = [layer.output for layer in self.layers]
            self.probe_model = keras.Model(inputs=model.inputs, outputs=outputs)
        except Exception:
            self.probe_model = None  # a subclassed model has no symbolic outputs: no activations
        self.fast: Optional[TensorflowStats] = None
        if keras.backend.backend() == "tensorflow":
            try:
                self.fast = TensorflowStats(
                    self.variables,
                    self.families,
                    len(self.layers),
                    self.probe_model,
                    _rate_reader(optimizer if optimizer is not None else getattr(model, "optimizer", None)),
                )
            except Exception:  # an odd model keeps the numpy path
                self.fast = None

    def probe_rows(self, batch_size: int) -> int:
        """How many of the data's first examples the probe holds (see PROBE_VALUES)."""
        per_row = 0.0
        if self.probe_model is not None:
            for out in self.probe_model.outputs:
                per_row += float(np.prod([d or 1 for d in out.shape[1:]]))
        rows = int(PROBE_VALUES // per_row) if per_row else PROBE_MAX_ROWS
        return max(1, min(batch_size, PROBE_MAX_ROWS, max(PROBE_MIN_ROWS, rows)))

    @property
    def rate(self) -> Optional[float]:
        """The learning rate of the sampled batch `begin_sampled` began, when the device call
        that copied its kernels read it (None: read it yourself)."""
        return self.fast.rate if self.fast is not None else None

    def new_epoch(self) -> None:
        if self.fast is not None:
            self.fast.forget_snapshot()

    def begin_sampled(self) -> Optional[list[np.ndarray]]:
        """At a sampled batch's start: the kernels before the update (on the device when it can,
        where the previous batch's `measure_sampled(keep=True)` may have copied them already)."""
        if self.fast is not None:
            self.fast.snapshot()
            return None
        return self.read_weights()

    def measure_sampled(
        self, before: Optional[list[np.ndarray]], probe: Any, histograms: bool = False, keep: bool = False
    ) -> dict[str, Any]:
        """At a sampled batch's end: every layer's statistics (with `histograms`, the kernels'
        weight histograms too, on the TensorFlow backend). `keep`: the next batch is sampled too,
        so the kernels are copied for its update in the same call."""
        numbers = None
        if self.fast is not None:
            try:
                numbers = self.fast.measure(probe, histograms, keep)
            except Exception as err:  # an odd model costs the fast path, never the training
                print(f"traindx: statistics on the host from now on ({err!r})"[:300], file=sys.stderr)
                self.fast = None
        if numbers is not None and all(_finite(n) for n in numbers):
            layers: dict[str, Any] = {}
            for layer, n in zip(self.layers, numbers):
                s = _from_numbers(n)
                if s:
                    layers[layer.name] = s
            return layers
        return self.measure(before, probe)  # non-finite numbers: counted exactly here

    def read_weights(self) -> list[np.ndarray]:
        """Every tracked variable's values as flat float64 arrays on the host. One read per
        variable: eager ops to concatenate them first cost ten times the reads on CPU (and
        Keras 3 offers no batched read)."""
        convert = self._keras.ops.convert_to_numpy
        return [np.asarray(convert(v), dtype=np.float64).ravel() for _, _, v in self.variables]

    def activations(self, probe: Any) -> list[Optional[np.ndarray]]:
        if self.probe_model is None or probe is None:
            return [None] * len(self.layers)
        # predict_on_batch: inference mode (no dropout draws, BN statistics untouched), through
        # the compiled predict function (an eager call costs a few ms of Python per sampled step).
        outputs = self.probe_model.predict_on_batch(probe)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return [np.asarray(o, dtype=np.float64) for o in outputs]

    def measure(self, before: Optional[list[np.ndarray]], probe: Any) -> dict[str, Any]:
        after = self.read_weights()
        acts = self.activations(probe)
        per: list[dict[str, Any]] = [{"w": [], "b": [], "d": 0.0, "has_d": False} for _ in self.layers]
        for k, (owner, bias, _) in enumerate(self.variables):
            acc = per[owner]
            acc["b" if bias else "w"].append(after[k])
            if not bias and before is not None and len(before) == len(after):
                delta = after[k] - before[k]
                acc["d"] += float(np.einsum("i,i->", delta, delta))
                acc["has_d"] = True
        layers: dict[str, Any] = {}
        for i, layer in enumerate(self.layers):
            s = self._layer(per[i], acts[i], self.families[i])
            if s:
                layers[layer.name] = s
        return layers

    def _layer(self, acc: dict[str, Any], act: Optional[np.ndarray], family: str) -> dict[str, Any]:
        """Moments from a sum and a dot product (two passes, no temporaries); non-finite values are
        counted only when the sum of squares shows some."""
        s: dict[str, float] = {}
        non_finite = 0
        if acc["w"]:
            w = _joined(acc["w"])
            mean, std, squares, bad = _moments(w)
            s.update(weightNorm=math.sqrt(squares), weightMean=mean, weightStd=std)
            s["weightMaxAbs"] = max(abs(float(w.min())), abs(float(w.max())))
            if acc["has_d"] and squares > 0:
                s["updateRatio"] = math.sqrt(acc["d"]) / math.sqrt(squares)
            non_finite += bad
        if acc["b"]:
            mean, std, _, bad = _moments(_joined(acc["b"]))
            s.update(biasMean=mean, biasStd=std)
            non_finite += bad
        if act is not None and act.size:
            mean, std, _, bad = _moments(act.ravel())
            s.update(actMean=mean, actStd=std)
            if family == "relu" and act.ndim >= 2:
                units = act.reshape(-1, act.shape[-1])
                s["deadFraction"] = float((units.max(axis=0) <= 0).mean())
            if family in _SATURATION:
                centre, limit = _SATURATION[family]
                s["saturatedFraction"] = float((np.abs(act - centre) > limit).mean())
            non_finite += bad
        if not s:
            return {}
        out: dict[str, Any] = {k: round6(v) for k, v in s.items()}
        out["nanCount"] = non_finite
        return out


def _rate_reader(optimizer: Any) -> Optional[Any]:
    """A traceable read of the optimizer's current learning rate, for a rate that is a variable
    or a schedule of the iteration count (traced, they read the live value); None for a plain
    callable, which tracing would freeze to its first value."""
    if optimizer is None:
        return None
    import keras

    lr = getattr(optimizer, "_learning_rate", None)
    if isinstance(lr, (keras.Variable, keras.optimizers.schedules.LearningRateSchedule)):
        return lambda: optimizer.learning_rate
    return None


def _finite(n: LayerNumbers) -> bool:
    values = [*(n.weights or ()), *(n.biases or ()), *(n.activations or ())]
    values += [x for x in (n.update_squares, n.dead_fraction, n.saturated_fraction) if x is not None]
    return all(math.isfinite(x) for x in values)


def _moments_of(n: float, total: float, squares: float) -> tuple[float, float]:
    mean = total / n
    return mean, math.sqrt(max(0.0, squares / n - mean * mean))


def _from_numbers(n: LayerNumbers) -> dict[str, Any]:
    """A layer's trace statistics from the device's sums (all finite: see `_finite`)."""
    s: dict[str, float] = {}
    if n.weights is not None:
        count, total, squares, low, high = n.weights
        mean, std = _moments_of(count, total, squares)
        s.update(weightNorm=math.sqrt(squares), weightMean=mean, weightStd=std)
        s["weightMaxAbs"] = max(abs(low), abs(high))
        if n.update_squares is not None and squares > 0:
            s["updateRatio"] = math.sqrt(n.update_squares) / math.sqrt(squares)
    if n.biases is not None:
        s["biasMean"], s["biasStd"] = _moments_of(*n.biases)
    if n.activations is not None and n.activations[0]:
        s["actMean"], s["actStd"] = _moments_of(*n.activations)
        if n.dead_fraction is not None:
            s["deadFraction"] = n.dead_fraction
        if n.saturated_fraction is not None:
            s["saturatedFraction"] = n.saturated_fraction
    if not s:
        return {}
    out: dict[str, Any] = {k: round6(v) for k, v in s.items()}
    out["nanCount"] = 0
    if n.histogram is not None and n.weights is not None and n.weights[2] > 0:
        edges = [round6(e) for e in n.histogram["edges"]]
        out["weightHistogram"] = {"edges": edges, "counts": [int(c) for c in n.histogram["counts"]]}
    return out


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _moments(values: np.ndarray) -> tuple[float, float, float, int]:
    """Mean, standard deviation, sum of squares and the count of non-finite values."""
    n = values.size
    mean = float(values.sum()) / n
    # einsum, not np.dot: BLAS threads spinning on a busy two-core machine made a dot 100x slower.
    squares = float(np.einsum("i,i->", values, values))
    bad = 0 if math.isfinite(squares) else int(n - np.isfinite(values).sum())
    std = math.sqrt(max(0.0, squares / n - mean * mean)) if not bad else math.nan
    return mean, std, squares, bad
