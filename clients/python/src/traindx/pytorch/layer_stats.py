"""Per-layer weight, gradient, update and activation statistics of a sampled step: reductions
on the device written into one vector (step_vector.py), decoded into the trace's LayerStats
after one read."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional

import torch

from ..deferred import DeferredStats
from ..encode import round6
from .activation_taps import ACT_SLOTS, OutputShape
from .attention_taps import ATTN_SLOTS, attention_layers
from .model_facts import TrackedLayer
from .step_vector import (
    F32,
    StepVector,
    fast,
    host_array,
    host_nonzero,
    norms,
    np,
    put_min_max,
    put_nonzero,
    put_norms,
    put_square_norms,
    put_square_sum,
    put_sum,
)

# Biases (and normalisation layers' shifts) are summarised apart from kernels, as the TS
# monitor's layer-plan.ts does with `bias` and `beta`.
_BIAS = re.compile(r"(^|[._])bias$|^beta$")

# Buckets of a layer's weight and gradient histograms (the TF.js monitor writes as many).
HISTOGRAM_BINS = 30


@dataclass
class _Param:
    owner: int
    bias: bool
    tensor: torch.nn.Parameter


@dataclass
class GradReading:
    """The gradient part of a step, computed before the optimizer moves the weights."""

    owners: list[int]
    grads: list[torch.Tensor]
    params: list[int]  # the position in the plan's parameters of each gradient
    detailed: bool = False  # sampled step: norms, max |g|, sums and non-zero counts are in the step vector
    counted: Optional[list[int]] = None  # which gradients' zeros are counted (ReLU-family layers)
    kernels: Optional[list[bool]] = None  # sampled steps: which gradients are of kernels (not biases)
    # L2 norm of the whole gradient, left on the device: a 0-d tensor on other steps (read back
    # at the flush stacked with the steps' losses in one op), a slot of the step vector on
    # sampled steps (set by `measure`).
    total: Any = None


class _Layout:
    """Where each statistic sits in the step vector (step_vector.py): per gradient (in the order
    read), per kernel, per bias, ACT_SLOTS per layer for its output and ATTN_SLOTS per attention
    layer."""

    def __init__(
        self, n_params: int, n_kernels: int, n_biases: int, n_layers: int, n_attention: int, width: int
    ) -> None:
        self.width = width  # values per max |x|: 2 on CPU (min and max), 1 on CUDA (the inf-norm)
        at = 0

        def take(n: int) -> int:
            nonlocal at
            at += n
            return at - n

        # Sums of squares (squared L2 norms), maxima, sums and non-zero counts.
        self.g_sq, self.g_max = take(n_params), take(n_params * width)
        self.g_sum, self.g_nz = take(n_params), take(n_params)
        self.w_sq, self.w_max, self.w_sum = take(n_kernels), take(n_kernels * width), take(n_kernels)
        self.b_sq, self.b_sum, self.delta_sq = take(n_biases), take(n_biases), take(n_kernels)
        self.act = take(n_layers * ACT_SLOTS)
        self.attn = take(n_attention * ATTN_SLOTS)
        # The step's loss and global gradient norm, read back with the rest.
        self.loss, self.total = take(1), take(1)
        self.size = at


class LayerStatsPlan:
    """Which parameters belong to which tracked layer, and the sampled step's computation."""

    def __init__(self, layers: list[TrackedLayer]) -> None:
        self.layers = layers
        self.names = [layer.name for layer in layers]
        self.params = [
            _Param(i, bool(_BIAS.search(name)), p)
            for i, layer in enumerate(layers)
            for name, p in layer.params
        ]
        self.weights = [p for p in self.params if not p.bias]
        self.biases = [p for p in self.params if p.bias]
        # Plain lists for the every-step path: one attribute read per parameter, nothing more.
        self._tensors = [p.tensor for p in self.params]
        self._owners = [p.owner for p in self.params]
        self._numel = [p.tensor.numel() for p in self.params]
        self._weight_tensors = [p.tensor for p in self.weights]
        # For decoding: owners in vector order and element counts per layer.
        self._kernel_owners = [p.owner for p in self.weights]
        self._bias_owners = [p.owner for p in self.biases]
        self._w_numel = [0] * len(layers)
        self._b_numel = [0] * len(layers)
        for p, n in zip(self.params, self._numel):
            (self._b_numel if p.bias else self._w_numel)[p.owner] += n
        self._bias_tensors = [p.tensor for p in self.biases]
        # An Embedding(sparse=True) gets sparse gradients: the reductions here want dense ones.
        self.sparse_grads = any(bool(getattr(layer.module, "sparse", False)) for layer in layers)
        first = next((p.tensor for p in self.params), None)
        self.device = first.device if first is not None else torch.device("cpu")
        # A model split over devices reduces tensor by tensor and copies each value over.
        self.uniform = all(t.device == self.device for t in self._tensors)
        # CUDA: the fused multi-tensor kernels (inf- and 0-norms in one launch per list); on CPU
        # those allocate a temporary per value (5-20x slower) and plain reductions are used.
        self.fused = self.device.type == "cuda" and self.uniform
        self.layout = _Layout(
            len(self.params),
            len(self.weights),
            len(self.biases),
            len(layers),
            len(attention_layers(layers)),
            1 if self.fused else 2,
        )
        self.vector = StepVector(self.layout.size, self.device)
        # CPU with numpy: the non-zero counts are numpy's (step_vector.py), written into the
        # vector through this view of its memory.
        self.host = self.vector.host
        # Per parameter: the dims of a direct float32 sum into a slot (None: sum, then copy).
        self._dims = [tuple(range(t.dim())) if fast(t, self.device) else None for t in self._tensors]
        self._kernel_dims = [self._dims[k] for k, p in enumerate(self.params) if not p.bias]
        self._bias_dims = [self._dims[k] for k, p in enumerate(self.params) if p.bias]
        self.count_zeros()
        self._buffers: list[torch.Tensor] = []

    def count_zeros(self) -> None:
        """Which layers' zero gradients are counted: ReLU-family layers (the TS monitor's rule: a
        dead unit's incoming weights get exactly 0). A torch Linear is ReLU-family when a ReLU
        module follows, or a functional ReLU is applied to its output (functional_activations.py:
        known once the model has been called, so this runs again then)."""
        layers = self.layers
        self.zero_counted = {
            i
            for i, layer in enumerate(layers)
            if layer.family == "relu"
            or (i + 1 < len(layers) and layers[i + 1].family == "relu" and not layers[i + 1].params)
        }
        # `g != 0` for the non-zero counts is written here (CPU): as long as the largest counted
        # gradient, bools for numpy's count, else float32 for torch's sum (put_nonzero).
        counted_sizes = [n for p, n in zip(self.params, self._numel) if p.owner in self.zero_counted]
        host_counts = counted_sizes and self.host is not None
        self._bools = np.empty(max(counted_sizes), dtype=bool) if host_counts else None
        self._scratch = (
            torch.empty(max(counted_sizes), dtype=F32, device=self.device)
            if counted_sizes and not self.fused and self.uniform and self._bools is None
            else None
        )

    def snapshot(self) -> list[torch.Tensor]:
        """The kernels before the update, copied into buffers kept between sampled steps (one
        fused copy, no allocation after the first: allocating them anew measured as costly as
        the copy itself on CPU), for the update ratio."""
        weights = self._weight_tensors
        with torch.no_grad():
            if len(self._buffers) != len(weights) or any(
                b.shape != w.shape or b.dtype != w.dtype or b.device != w.device
                for b, w in zip(self._buffers, weights)
            ):
                self._buffers = [torch.empty_like(w) for w in weights]
            if weights:
                torch._foreach_copy_(self._buffers, weights)
        return self._buffers

    def read_grads(self, detailed: bool) -> Optional[GradReading]:
        """Gradient norms (every step: the global norm) and, on sampled steps, max |g|, non-zero
        counts and sums, written into the step vector. Nothing leaves the device."""
        grads = [t.grad for t in self._tensors]
        owners = self._owners
        if not grads:
            return None
        if any(g is None for g in grads):  # frozen or unused parameters
            present = [k for k, g in enumerate(grads) if g is not None]
            if not present:
                return None
            owners = [owners[k] for k in present]
            grads = [grads[k] for k in present]
        else:
            present = list(range(len(grads)))
        if self.sparse_grads:  # statistics of a sparse gradient are those of its dense form
            grads = [g.to_dense() if g.is_sparse else g for g in grads]  # type: ignore[union-attr]
        reading = GradReading(owners, grads, present)  # type: ignore[arg-type]
        with torch.no_grad():
            if not detailed:
                each = norms(grads, self.uniform, self.device)  # type: ignore[arg-type]
                reading.total = torch.linalg.vector_norm(each)
                return reading
            self._read_grad_detail(reading)
        return reading

    def _read_grad_detail(self, reading: GradReading) -> None:
        lay, vec, slots = self.layout, self.vector, self.vector.slots
        grads, n = reading.grads, len(reading.grads)
        counted = [k for k, o in enumerate(reading.owners) if o in self.zero_counted]
        if self.fused:
            # CUDA: one multi-tensor launch per statistic over the whole list.
            put_square_norms(grads, vec.span(lay.g_sq, n))
            put_norms(grads, vec.span(lay.g_max, n), True, math.inf)
            for k, (g, i) in enumerate(zip(grads, reading.params)):
                put_sum(g, slots[lay.g_sum + k], self._dims[i] if g.dtype == F32 else None)
            put_norms([grads[k] for k in counted], vec.span(lay.g_nz, len(counted)), True, 0)
        else:
            # CPU: each gradient's statistics back to back, while it is in cache. A list op per
            # statistic read every gradient from memory again: a 784x256 kernel's gradient
            # (800 kB) does not stay in a 1 MB L2 cache while the others pass through it.
            nz = dict(zip(counted, range(lay.g_nz, lay.g_nz + len(counted))))
            host, bools = self.host, self._bools  # bools: made only where there is a host view
            for k, (g, i) in enumerate(zip(grads, reading.params)):
                dims = self._dims[i] if g.dtype == F32 else None
                direct = dims is not None
                put_square_sum(g, slots[lay.g_sq + k], direct)
                put_min_max(g, slots[lay.g_max + 2 * k], slots[lay.g_max + 2 * k + 1], direct)
                put_sum(g, slots[lay.g_sum + k], dims)
                if k in nz:
                    a = host_array(g) if bools is not None else None
                    if a is not None:
                        host[nz[k]] = host_nonzero(a, bools)
                    else:
                        put_nonzero(g, slots[nz[k]], self._scratch if direct else None)
        reading.detailed = True
        reading.counted = counted
        reading.kernels = [not self.params[i].bias for i in reading.params]

    def ungraded_layers(self) -> set[int]:
        """The layers with trainable weights, for a step where no parameter got a gradient: each
        gets gradNorm 0, because "no gradient reached the weights" is what explains unchanged
        weights (a loss on a detached tensor). Frozen layers are left without one."""
        return {p.owner for p in self.weights if p.tensor.requires_grad and p.tensor.grad is None}

    def measure(
        self,
        grads: Optional[GradReading],
        before: Optional[list[torch.Tensor]],
        activations: dict[int, OutputShape],
        ungraded: Optional[set[int]] = None,
        histograms: bool = False,
        loss: Any = None,
    ) -> DeferredStats:
        """All statistics of a sampled step as one device vector and its decoder. `ungraded`: the
        layers to record with gradNorm 0 when no parameter got a gradient; `histograms`: add each
        layer's weight and gradient histograms (read while decoding, see `_histograms`); `loss`:
        the step's loss, written into the vector when it is a tensor on its device. The global
        gradient norm and the loss are then the DeferredStats' `fields` (see `field`)."""
        lay, vec, slots = self.layout, self.vector, self.vector.slots
        weights, biases = self._weight_tensors, self._bias_tensors
        detailed = grads is not None and grads.detailed
        has_delta = bool(before) and len(before or []) == len(weights)
        fields: dict[str, int] = {}
        with torch.no_grad():
            if self.fused:
                put_square_norms(weights, vec.span(lay.w_sq, len(weights)))  # type: ignore[arg-type]
                put_norms(weights, vec.span(lay.w_max, len(weights)), True, math.inf)  # type: ignore[arg-type]
                for k, (w, dims) in enumerate(zip(weights, self._kernel_dims)):
                    put_sum(w, slots[lay.w_sum + k], dims)
                if has_delta:
                    torch._foreach_sub_(before, weights)  # type: ignore[arg-type]  # the buffers now hold -Δw
                    put_square_norms(before, vec.span(lay.delta_sq, len(weights)))  # type: ignore[arg-type]
            else:
                # CPU: each kernel's statistics back to back while it is in cache, as for the
                # gradients; its update right after, while the kernel is still there.
                for k, (w, dims) in enumerate(zip(weights, self._kernel_dims)):
                    direct = dims is not None
                    put_square_sum(w, slots[lay.w_sq + k], direct)
                    put_min_max(w, slots[lay.w_max + 2 * k], slots[lay.w_max + 2 * k + 1], direct)
                    put_sum(w, slots[lay.w_sum + k], dims)
                    if has_delta:
                        delta = before[k].sub_(w)  # type: ignore[index]  # the buffer now holds -Δw
                        put_square_sum(delta, slots[lay.delta_sq + k], direct)
            for k, (b, dims) in enumerate(zip(biases, self._bias_dims)):
                put_square_sum(b, slots[lay.b_sq + k], dims is not None)
                put_sum(b, slots[lay.b_sum + k], dims)
            if detailed:
                total = slots[lay.total]
                torch.sum(vec.span(lay.g_sq, len(grads.grads)), 0, out=total)  # type: ignore[union-attr]
                total.sqrt_()
                fields["gradNorm"] = lay.total
            if isinstance(loss, torch.Tensor) and loss.numel() == 1 and loss.device == self.device:
                slots[lay.loss].copy_(loss.detach().reshape(()))
                fields["loss"] = lay.loss
            values = vec.snapshot()
        shown = dict(activations)

        def decode(v: list[float]) -> dict[str, Any]:
            layers = self._decode(v, has_delta, grads if detailed else None, shown, ungraded)
            if histograms:
                self._histograms(layers, grads if detailed else None)
            return layers

        stats = DeferredStats(values, decode, fields)
        if detailed:
            grads.total = stats.field("gradNorm")  # type: ignore[union-attr]
        return stats

    def _decode(
        self,
        v: list[float],
        has_delta: bool,
        grads: Optional[GradReading],
        activations: dict[int, OutputShape],
        ungraded: Optional[set[int]] = None,
    ) -> dict[str, Any]:
        """The step's LayerStats from the vector's values. Plain lists per layer and no helper
        calls in the loops: at every=1 this ran on every step, and a dict per layer with
        accumulating helpers measured as costly as the reductions of a small model."""
        lay, isnan, nan, n_layers = self.layout, math.isnan, math.nan, len(self.layers)
        two = lay.width == 2
        w_s, w_q, w_m, d_q = [0.0] * n_layers, [0.0] * n_layers, [0.0] * n_layers, [0.0] * n_layers
        for k, o in enumerate(self._kernel_owners):
            w_s[o] += v[lay.w_sum + k]
            w_q[o] += v[lay.w_sq + k]
            if two:
                low, high = v[lay.w_max + 2 * k], v[lay.w_max + 2 * k + 1]
                m = nan if isnan(low) or isnan(high) else max(-low, high)
            else:
                m = v[lay.w_max + k]
            w_m[o] = nan if isnan(m) else max(w_m[o], m)
            if has_delta:
                d_q[o] += v[lay.delta_sq + k]
        b_s, b_q = [0.0] * n_layers, [0.0] * n_layers
        for k, o in enumerate(self._bias_owners):
            b_s[o] += v[lay.b_sum + k]
            b_q[o] += v[lay.b_sq + k]
        g_n = [0] * n_layers
        g_s, g_q, g_m = [0.0] * n_layers, [0.0] * n_layers, [0.0] * n_layers
        g_z: list[Optional[float]] = [None] * n_layers
        if grads is not None:
            for k, (o, i) in enumerate(zip(grads.owners, grads.params)):
                g_n[o] += self._numel[i]
                g_s[o] += v[lay.g_sum + k]
                g_q[o] += v[lay.g_sq + k]
                if two:
                    low, high = v[lay.g_max + 2 * k], v[lay.g_max + 2 * k + 1]
                    m = nan if isnan(low) or isnan(high) else max(-low, high)
                else:
                    m = v[lay.g_max + k]
                g_m[o] = nan if isnan(m) else max(g_m[o], m)
            for j, k in enumerate(grads.counted or []):
                o = grads.owners[k]
                g_z[o] = (g_z[o] or 0.0) + v[lay.g_nz + j]
        layers: dict[str, Any] = {}
        for i, name in enumerate(self.names):
            s: dict[str, float] = {}
            if g_n[i]:
                mean, std = _mean_std(g_n[i], g_s[i], g_q[i])
                s["gradNorm"], s["gradMean"], s["gradStd"], s["gradMaxAbs"] = (
                    math.sqrt(g_q[i]),
                    mean,
                    std,
                    g_m[i],
                )
                if g_z[i] is not None:
                    s["zeroGradFraction"] = 1 - g_z[i] / g_n[i]  # type: ignore[operator]
            elif ungraded and i in ungraded:
                s["gradNorm"] = 0.0
            if self._w_numel[i]:
                mean, std = _mean_std(self._w_numel[i], w_s[i], w_q[i])
                norm = math.sqrt(w_q[i])
                s["weightNorm"], s["weightMean"], s["weightStd"], s["weightMaxAbs"] = norm, mean, std, w_m[i]
                if has_delta and norm > 0:
                    s["updateRatio"] = math.sqrt(d_q[i]) / norm
            if self._b_numel[i]:
                s["biasMean"], s["biasStd"] = _mean_std(self._b_numel[i], b_s[i], b_q[i])
            shape = activations.get(i)
            anan = 0.0
            if shape is not None:
                at = lay.act + i * ACT_SLOTS
                s["actMean"], s["actStd"] = _mean_std(shape.size, v[at], v[at + 1])
                if shape.units:
                    s["deadFraction"] = v[at + 2] / shape.units
                if shape.saturation:
                    s["saturatedFraction"] = v[at + 3] / shape.size
                if shape.non_finite:
                    anan = v[at + 4]
            if not s:
                continue
            # Unrounded: the trace's six digits are written by encode.to_line (and plain).
            bad = not math.isfinite(sum(s.values()))
            s["nanCount"] = self._count_non_finite(i, grads, anan) if bad else 0  # type: ignore[assignment]
            layers[name] = s
        return layers

    def _histograms(self, layers: dict[str, Any], grads: Optional[GradReading]) -> None:
        """Adds `weightHistogram` and `gradHistogram` (docs/spec/trace-format-extensions.md) to
        the layers whose kernels (and their gradients) came out finite and not all zero. The
        range is symmetric, [-max|x|, max|x|], taken from the step's numbers already read, so
        the buckets need one more pass and one more read and no range pass of their own. Run
        while the step's flush decodes it, right after the optimizer's step: the kernels and
        gradients are still the step's."""
        jobs: list[tuple[dict[str, Any], str, float, list[torch.Tensor]]] = []
        grads_of: dict[int, list[torch.Tensor]] = {}
        if grads is not None and grads.grads is not None and grads.kernels is not None:
            for g, owner, kernel in zip(grads.grads, grads.owners, grads.kernels):
                if kernel:
                    grads_of.setdefault(owner, []).append(g)
        for i, name in enumerate(self.names):
            stats = layers.get(name)
            if not stats:
                continue
            kernels_i = [p.tensor for p in self.weights if p.owner == i]
            for field, key, tensors in (
                ("weightHistogram", "weightMaxAbs", kernels_i),
                ("gradHistogram", "gradMaxAbs", grads_of.get(i, [])),
            ):
                top = stats.get(key)
                if tensors and isinstance(top, float) and math.isfinite(top) and top > 0:
                    # A hair wider than the six-digit max |x|, so that no extreme value falls out.
                    jobs.append((stats, field, top * (1 + 1e-5), tensors))
        if not jobs:
            return
        with torch.no_grad():
            per_layer = [sum(_bucket_counts(t, top) for t in tensors) for _, _, top, tensors in jobs]
            counts = torch.cat(per_layer).tolist()
        for k, (stats, field, top, _) in enumerate(jobs):
            step = 2 * top / HISTOGRAM_BINS
            edges = [round6(-top + j * step) for j in range(HISTOGRAM_BINS)] + [round6(top)]
            stats[field] = {
                "edges": edges,
                "counts": [int(c) for c in counts[k * HISTOGRAM_BINS : (k + 1) * HISTOGRAM_BINS]],
            }

    def _count_non_finite(self, owner: int, grads: Optional[GradReading], act: float) -> int:
        """Exact count of NaN/Inf in a layer's weights, gradients and output. Runs only when its
        statistics came out non-finite (a second read, in a run that is already failing)."""
        with torch.no_grad():
            tensors = [p.tensor.detach() for p in self.params if p.owner == owner]
            if grads is not None and grads.grads is not None:
                tensors += [g for g, o in zip(grads.grads, grads.owners) if o == owner]
            count = sum(int((~torch.isfinite(t)).sum().item()) for t in tensors)
        return count + (int(act) if math.isfinite(act) else 0)


def _bucket_counts(t: torch.Tensor, top: float) -> torch.Tensor:
    """How many of `t`'s values fall in each of HISTOGRAM_BINS equal buckets of [-top, top], the
    last closed on the right (as `torch.histc(t, bins, -top, top)` counts them, which measured
    five times slower on CPU: 2.6 ms for a 784x256 kernel against 0.5 ms here)."""
    bins = HISTOGRAM_BINS
    index = t.detach().reshape(-1).float().mul(bins / (2 * top)).add_(bins / 2).clamp_(0, bins - 1e-3)
    # Bucket numbers fit a byte: bincount over uint8 measured 1.7x faster than over int64 (and the
    # conversion writes an eighth of the bytes). Truncation is the floor here, index >= 0.
    return torch.bincount(index.to(torch.uint8), minlength=bins)


def _mean_std(n: float, total: float, squares: float) -> tuple[float, float]:
    mean = total / n
    if not (math.isfinite(total) and math.isfinite(squares)):
        return mean, math.nan
    return mean, math.sqrt(max(0.0, squares / n - mean * mean))
