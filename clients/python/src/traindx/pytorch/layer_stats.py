"""Per-layer weight, gradient, update and activation statistics of a sampled step: fused
reductions on the device, one vector, decoded into the trace's LayerStats after one read."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional

import torch

from ..deferred import DeferredStats
from ..encode import round6
from . import fused
from .activation_taps import OutputSummary
from .model_facts import TrackedLayer

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
    squares: torch.Tensor  # squared L2 norm per gradient, one vector
    detail: Optional[list[torch.Tensor]] = None  # sampled steps: max |g|, sums, non-zero counts
    max_abs_width: int = 1
    counted: Optional[list[int]] = None  # which gradients' zeros are counted (ReLU-family layers)
    grads: Optional[list[torch.Tensor]] = None
    kernels: Optional[list[bool]] = None  # sampled steps: which gradients are of kernels (not biases)

    def total_norm(self) -> DeferredStats:
        """L2 norm of the whole gradient: the per-tensor squares stay on the device, the root of
        their sum is taken on the host at the flush (no op of its own per step)."""
        return DeferredStats(self.squares, lambda v: math.sqrt(sum(v)))


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
        self._weight_tensors = [p.tensor for p in self.weights]
        self._bias_tensors = [p.tensor for p in self.biases]
        # Zero gradients are counted for ReLU-family layers (the TS monitor's rule): a dead unit's
        # incoming weights get exactly 0. A torch Linear is ReLU-family when a ReLU module follows.
        self.zero_counted = {
            i
            for i, layer in enumerate(layers)
            if layer.family == "relu"
            or (i + 1 < len(layers) and layers[i + 1].family == "relu" and not layers[i + 1].params)
        }
        first = next((p.tensor for p in self.params), None)
        self.device = first.device if first is not None else torch.device("cpu")
        self._buffers: list[torch.Tensor] = []

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
        counts and sums. Nothing leaves the device."""
        grads = [t.grad for t in self._tensors]
        owners = self._owners
        params = self.params
        if any(g is None for g in grads):  # frozen or unused parameters
            owners = [o for o, g in zip(owners, grads) if g is not None]
            params = [p for p, g in zip(params, grads) if g is not None]
            grads = [g for g in grads if g is not None]
            if not grads:
                return None
        with torch.no_grad():
            reading = GradReading(owners, fused.squares(grads)[0])  # type: ignore[arg-type]
            if detailed:
                counted = [k for k, o in enumerate(owners) if o in self.zero_counted]
                reading.max_abs_width = fused.MaxAbs.width(grads)  # type: ignore[arg-type]
                reading.detail = [
                    *fused.MaxAbs.compute(grads),  # type: ignore[arg-type]
                    *fused.sums(grads),  # type: ignore[arg-type]
                    *fused.nonzero([grads[k] for k in counted]),  # type: ignore[misc]
                ]
                reading.counted = counted
                reading.grads = grads  # type: ignore[assignment]
                reading.kernels = [not p.bias for p in params]
        return reading

    def ungraded_layers(self) -> set[int]:
        """The layers with trainable weights, for a step where no parameter got a gradient: each
        gets gradNorm 0, because "no gradient reached the weights" is what explains unchanged
        weights (a loss on a detached tensor). Frozen layers are left without one."""
        return {p.owner for p in self.weights if p.tensor.requires_grad and p.tensor.grad is None}

    def measure(
        self,
        grads: Optional[GradReading],
        before: Optional[list[torch.Tensor]],
        activations: dict[int, OutputSummary],
        ungraded: Optional[set[int]] = None,
        histograms: bool = False,
    ) -> DeferredStats:
        """All statistics of a sampled step as one device vector and its decoder. `ungraded`: the
        layers to record with gradNorm 0 when no parameter got a gradient; `histograms`: add each
        layer's weight and gradient histograms (read while decoding, see `_histograms`)."""
        weights = self._weight_tensors
        biases = self._bias_tensors
        detailed = grads is not None and grads.detail is not None
        with torch.no_grad():
            # The gradients' squares (a vector already) first, then every 0-d value, stacked once.
            parts: list[torch.Tensor] = [grads.squares] if detailed else []  # type: ignore[union-attr]
            parts += [
                *fused.squares(weights),
                *fused.MaxAbs.compute(weights),
                *fused.sums(weights),
                *fused.squares(biases),
                *fused.sums(biases),
            ]
            has_delta = bool(before) and len(before or []) == len(weights)
            if has_delta:
                torch._foreach_sub_(before, weights)  # type: ignore[arg-type]  # the buffers now hold -Δw
                parts += fused.squares(before)  # type: ignore[arg-type]
            if detailed:
                parts += grads.detail  # type: ignore[union-attr, operator]
            act_owners = sorted(activations)
            summaries = [activations[i] for i in act_owners]
            for summary in summaries:
                parts += summary.values
            vector = fused.vector(parts, self.device)
        w_width = fused.MaxAbs.width(weights)  # type: ignore[arg-type]

        def decode(values: list[float]) -> dict[str, Any]:
            layers = self._decode(
                values, has_delta, w_width, grads if detailed else None, act_owners, summaries, ungraded
            )
            if histograms:
                self._histograms(layers, grads if detailed else None)
            return layers

        return DeferredStats(vector, decode)

    def _decode(
        self,
        v: list[float],
        has_delta: bool,
        w_width: int,
        grads: Optional[GradReading],
        act_owners: list[int],
        summaries: list[OutputSummary],
        ungraded: Optional[set[int]] = None,
    ) -> dict[str, Any]:
        acc: list[dict[str, float]] = [{} for _ in self.layers]
        nw, nb = len(self.weights), len(self.biases)
        at = 0

        def take(n: int) -> list[float]:
            nonlocal at
            out = v[at : at + n]
            at += n
            return out

        g_sq = take(len(grads.owners)) if grads is not None else []
        w_sq, w_max = take(nw), fused.MaxAbs.read(take(nw * w_width), w_width)
        w_sum, b_sq, b_sum = take(nw), take(nb), take(nb)
        deltas = take(nw) if has_delta else []
        for k, p in enumerate(self.weights):
            a = acc[p.owner]
            _add(a, "w", p.tensor.numel(), w_sum[k], w_sq[k])
            a["wmax"] = max(a.get("wmax", 0.0), w_max[k]) if not math.isnan(w_max[k]) else math.nan
            if has_delta:
                a["delta"] = a.get("delta", 0.0) + deltas[k]
        for k, p in enumerate(self.biases):
            _add(acc[p.owner], "b", p.tensor.numel(), b_sum[k], b_sq[k])
        if grads is not None:
            ng = len(grads.owners)
            g_max = fused.MaxAbs.read(take(ng * grads.max_abs_width), grads.max_abs_width)
            g_sum = take(ng)
            g_nz = dict(zip(grads.counted or [], take(len(grads.counted or []))))
            for k, owner in enumerate(grads.owners):
                a = acc[owner]
                n = grads.grads[k].numel()  # type: ignore[index]
                _add(a, "g", n, g_sum[k], g_sq[k])
                a["gmax"] = max(a.get("gmax", 0.0), g_max[k]) if not math.isnan(g_max[k]) else math.nan
                if k in g_nz:
                    a["gnz"] = a.get("gnz", 0.0) + g_nz[k]
        for owner, summary in zip(act_owners, summaries):
            a = acc[owner]
            total, squares = take(2)
            a["amean"], a["astd"] = _mean_std(summary.size, total, squares)
            if summary.units:
                a["dead"] = take(1)[0] / summary.units
            if summary.saturation:
                a["sat"] = take(1)[0] / summary.size
            a["anan"] = take(1)[0] if summary.non_finite else 0.0

        layers: dict[str, Any] = {}
        for i, a in enumerate(acc):
            s: dict[str, float] = {}
            if a.get("gn"):
                mean, std = _mean_std(a["gn"], a["gs"], a["gq"])
                s.update(gradNorm=math.sqrt(a["gq"]), gradMean=mean, gradStd=std, gradMaxAbs=a["gmax"])
                if "gnz" in a:
                    s["zeroGradFraction"] = 1 - a["gnz"] / a["gn"]
            elif ungraded and i in ungraded:
                s["gradNorm"] = 0.0
            if a.get("wn"):
                mean, std = _mean_std(a["wn"], a["ws"], a["wq"])
                norm = math.sqrt(a["wq"])
                s.update(weightNorm=norm, weightMean=mean, weightStd=std, weightMaxAbs=a["wmax"])
                if "delta" in a and norm > 0:
                    s["updateRatio"] = math.sqrt(a["delta"]) / norm
            if a.get("bn"):
                s["biasMean"], s["biasStd"] = _mean_std(a["bn"], a["bs"], a["bq"])
            if "amean" in a:
                s["actMean"], s["actStd"] = a["amean"], a["astd"]
                if "dead" in a:
                    s["deadFraction"] = a["dead"]
                if "sat" in a:
                    s["saturatedFraction"] = a["sat"]
            if not s:
                continue
            out: dict[str, Any] = {k: round6(x) for k, x in s.items()}
            bad = not all(math.isfinite(x) for x in s.values())
            out["nanCount"] = self._count_non_finite(i, grads, a) if bad else 0
            layers[self.names[i]] = out
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

    def _count_non_finite(self, owner: int, grads: Optional[GradReading], a: dict[str, float]) -> int:
        """Exact count of NaN/Inf in a layer's weights, gradients and output. Runs only when its
        statistics came out non-finite (a second read, in a run that is already failing)."""
        with torch.no_grad():
            tensors = [p.tensor.detach() for p in self.params if p.owner == owner]
            if grads is not None and grads.grads is not None:
                tensors += [g for g, o in zip(grads.grads, grads.owners) if o == owner]
            count = sum(int((~torch.isfinite(t)).sum().item()) for t in tensors)
        act = a.get("anan", 0.0)
        return count + (int(act) if math.isfinite(act) else 0)


def _bucket_counts(t: torch.Tensor, top: float) -> torch.Tensor:
    """How many of `t`'s values fall in each of HISTOGRAM_BINS equal buckets of [-top, top], the
    last closed on the right (as `torch.histc(t, bins, -top, top)` counts them, which measured
    five times slower on CPU: 2.6 ms for a 784x256 kernel against 0.5 ms here)."""
    bins = HISTOGRAM_BINS
    index = t.detach().reshape(-1).float().mul(bins / (2 * top)).add_(bins / 2).clamp_(0, bins - 1e-3)
    return torch.bincount(index.long(), minlength=bins)


def _add(a: dict[str, float], key: str, n: int, total: float, squares: float) -> None:
    a[f"{key}n"] = a.get(f"{key}n", 0.0) + n
    a[f"{key}s"] = a.get(f"{key}s", 0.0) + total
    a[f"{key}q"] = a.get(f"{key}q", 0.0) + squares


def _mean_std(n: float, total: float, squares: float) -> tuple[float, float]:
    mean = total / n
    if not (math.isfinite(total) and math.isfinite(squares)):
        return mean, math.nan
    return mean, math.sqrt(max(0.0, squares / n - mean * mean))
