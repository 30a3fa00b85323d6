"""A sampled batch's statistics in one compiled TensorFlow call (Keras 3 on its TF backend).

Reading each variable to the host (`convert_to_numpy`, then float64 moments in numpy) measured
about 2 ms for a three-layer MLP, twice per sampled batch, and converting the probe's activations
as much again: together more than a training step. Here the kernels are copied on the device at
the batch's start (`snapshot`), and at its end one `tf.function` reduces weights, biases, the
update and the probe's activations to one float64 vector, read back once. The reductions run in
float64 (a cast first) so that the moments match the numpy path to the trace's six digits.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

# Buckets of a layer's weight histogram (as the PyTorch client and the TF.js monitor write).
HISTOGRAM_BINS = 30

# Outside the responsive range (spec/trace-format.md): sigmoid |x - 0.5| > 0.49, |tanh| > 0.99.
SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}


class LayerNumbers(NamedTuple):
    """What one layer's statistics are made of; sums are float64 and may be non-finite."""

    weights: Optional[tuple[float, float, float, float, float]]  # n, sum, sum of squares, min, max
    update_squares: Optional[float]  # |w_after - w_before|^2 over the layer's kernels
    biases: Optional[tuple[float, float, float]]  # n, sum, sum of squares
    activations: Optional[tuple[float, float, float]]  # n, sum, sum of squares
    dead_fraction: Optional[float]
    saturated_fraction: Optional[float]
    histogram: Optional[dict[str, list[float]]] = None  # the kernels' {edges, counts}


class TensorflowStats:
    """Built once per `fit`; `snapshot()` on a sampled batch's start, `measure(probe)` at its end."""

    def __init__(
        self,
        variables: list[tuple[int, bool, Any]],
        families: list[str],
        layer_count: int,
        probe_model: Optional[Any],
    ) -> None:
        import tensorflow as tf

        self._tf = tf
        self.layer_count = layer_count
        self.families = families
        self.variables = [(owner, bias, _tf_variable(v)) for owner, bias, v in variables]
        kernels = [v for _, bias, v in self.variables if not bias]
        # One copy of the kernels, on their device, for the update ratio.
        self._snapshots = [tf.Variable(tf.zeros_like(v), trainable=False) for v in kernels]
        self._snapped = False
        self.probe_model = probe_model
        self._probe_source: Any = None
        self._probe: Any = None

        @tf.function(autograph=False, reduce_retracing=True)
        def snapshot() -> Any:
            for copy, kernel in zip(self._snapshots, kernels):
                copy.assign(kernel)
            return tf.constant(0)

        @tf.function(autograph=False, reduce_retracing=True)
        def reduce(probe: Any, histograms: bool) -> Any:
            parts = []
            k = 0
            for _, bias, v in self.variables:
                flat = tf.cast(tf.reshape(v, [-1]), tf.float64)
                parts += [tf.reduce_sum(flat), tf.reduce_sum(flat * flat)]
                if not bias:
                    parts += [tf.reduce_min(flat), tf.reduce_max(flat)]
                    d = flat - tf.cast(tf.reshape(self._snapshots[k], [-1]), tf.float64)
                    parts.append(tf.reduce_sum(d * d))
                    k += 1
            if probe is not None and self.probe_model is not None:
                outputs = self.probe_model(probe, training=False)
                if not isinstance(outputs, (list, tuple)):
                    outputs = [outputs]
                for family, out in zip(self.families, outputs):
                    a = tf.cast(out, tf.float64)
                    flat = tf.reshape(a, [-1])
                    parts += [tf.reduce_sum(flat), tf.reduce_sum(flat * flat)]
                    if family == "relu" and len(out.shape) >= 2:
                        units = tf.reshape(a, [-1, out.shape[-1]])
                        parts.append(tf.reduce_mean(tf.cast(tf.reduce_max(units, axis=0) <= 0, tf.float64)))
                    if family in SATURATION:
                        centre, limit = SATURATION[family]
                        parts.append(tf.reduce_mean(tf.cast(tf.abs(flat - centre) > limit, tf.float64)))
            if histograms:
                parts += self._histogram_parts()
            return tf.stack(parts)

        self._snapshot = snapshot
        self._reduce = reduce

    def _histogram_parts(self) -> list[Any]:
        """Per layer with kernels: the range's half width, then the bucket counts over
        [-max|w|, max|w|] (a hair wider, so that no extreme value falls out). A non-finite or
        zero range gets width 1: such a step is re-measured on the numpy path anyway."""
        tf = self._tf
        parts = []
        for owner in range(self.layer_count):
            kernels = [tf.reshape(v, [-1]) for o, bias, v in self.variables if o == owner and not bias]
            if not kernels:
                continue
            top = tf.cast(tf.reduce_max([tf.reduce_max(tf.abs(k)) for k in kernels]), tf.float64) * (1 + 1e-5)
            top = tf.where(tf.math.is_finite(top) & (top > 0), top, tf.constant(1.0, tf.float64))
            span = tf.stack([-top, top])
            counts = tf.add_n(
                [
                    tf.histogram_fixed_width(tf.cast(k, tf.float64), span, nbins=HISTOGRAM_BINS)
                    for k in kernels
                ]
            )
            parts += [top, *tf.unstack(tf.cast(counts, tf.float64))]
        return parts

    def snapshot(self) -> None:
        self._snapshot()
        self._snapped = True

    def measure(self, probe: Any, histograms: bool = False) -> list[LayerNumbers]:
        """Each layer's numbers after the batch's update (one device call, one read back);
        with `histograms`, each layer's `weightHistogram` too (`LayerNumbers.histogram`)."""
        use_probe = probe is not None and self.probe_model is not None
        if use_probe and probe is not self._probe_source:
            # Converted once: the probe is the same batch at every sampled step.
            self._probe_source, self._probe = probe, self._tf.convert_to_tensor(probe)
        values = self._reduce(self._probe if use_probe else None, histograms).numpy().tolist()
        with_update, self._snapped = self._snapped, False
        return self._decode(values, len(probe) if use_probe else 0, with_update, histograms)

    def _decode(
        self, v: list[float], probe_size: int, with_update: bool, histograms: bool
    ) -> list[LayerNumbers]:
        at = 0

        def take(n: int) -> list[float]:
            nonlocal at
            out = v[at : at + n]
            at += n
            return out

        w: list[list[float]] = [[0.0, 0.0, 0.0, np.inf, -np.inf] for _ in range(self.layer_count)]
        b: list[list[float]] = [[0.0, 0.0, 0.0] for _ in range(self.layer_count)]
        upd = [0.0] * self.layer_count
        has_w, has_b = set(), set()
        for owner, bias, var in self.variables:
            n = float(np.prod(var.shape))
            total, squares = take(2)
            if bias:
                acc = b[owner]
                acc[0] += n
                acc[1] += total
                acc[2] += squares
                has_b.add(owner)
                continue
            low, high, delta = take(3)
            acc = w[owner]
            acc[0] += n
            acc[1] += total
            acc[2] += squares
            acc[3] = min(acc[3], low) if not np.isnan(low) else np.nan
            acc[4] = max(acc[4], high) if not np.isnan(high) else np.nan
            upd[owner] += delta
            has_w.add(owner)
        out: list[LayerNumbers] = []
        for i in range(self.layer_count):
            acts = dead = sat = None
            if probe_size:
                shape = _output_shape(self.probe_model, i)
                size = float(probe_size * np.prod([d or 1 for d in shape[1:]]))
                total, squares = take(2)
                acts = (size, total, squares)
                if self.families[i] == "relu" and len(shape) >= 2:
                    dead = take(1)[0]
                if self.families[i] in SATURATION:
                    sat = take(1)[0]
            out.append(
                LayerNumbers(
                    tuple(w[i]) if i in has_w else None,  # type: ignore[arg-type]
                    upd[i] if i in has_w and with_update else None,
                    tuple(b[i]) if i in has_b else None,  # type: ignore[arg-type]
                    acts,
                    dead,
                    sat,
                )
            )
        if histograms:
            for i in sorted(has_w):
                top = take(1)[0]
                counts = take(HISTOGRAM_BINS)
                step = 2 * top / HISTOGRAM_BINS
                edges = [-top + j * step for j in range(HISTOGRAM_BINS)] + [top]
                out[i] = out[i]._replace(histogram={"edges": edges, "counts": counts})
        return out


def _tf_variable(v: Any) -> Any:
    """The backend variable behind a Keras variable (what a tf.function captures)."""
    return getattr(v, "value", v)


def _output_shape(model: Any, i: int) -> tuple[Any, ...]:
    outputs = model.outputs
    return tuple(outputs[i].shape)
