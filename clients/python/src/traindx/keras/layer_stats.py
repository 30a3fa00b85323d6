"""Per-layer weight, update and activation statistics of a Keras model on sampled batches.

`fit` does not hand its gradients to callbacks (the TypeScript monitor's fit callback has the
same limit), so Keras traces carry weights, updates and activations, not gradients. Weights come
to the host in one concatenated read; activations from one inference forward pass of a fixed
probe batch (`training=False`: no dropout draws, BatchNormalization statistics untouched).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..encode import round6
from .model_facts import BIAS, MOVING, activation_of, family_of

# Outside the responsive range (spec/trace-format.md): sigmoid |x - 0.5| > 0.49, |tanh| > 0.99.
_SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}


class KerasLayerStats:
    def __init__(self, model: Any) -> None:
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

    def read_weights(self) -> list[np.ndarray]:
        """Every tracked variable's values, in one host read."""
        ops = self._keras.ops
        if not self.variables:
            return []
        flat = ops.concatenate(
            [ops.reshape(ops.cast(v.value, "float32"), (-1,)) for _, _, v in self.variables]
        )
        values = np.asarray(ops.convert_to_numpy(flat), dtype=np.float64)
        sizes = [int(np.prod(v.shape)) for _, _, v in self.variables]
        return np.split(values, np.cumsum(sizes)[:-1])

    def activations(self, probe: Any) -> list[Optional[np.ndarray]]:
        if self.probe_model is None or probe is None:
            return [None] * len(self.layers)
        # One input: Keras wants it in the structure the model was built with (a list of one).
        inputs = [probe] if len(self.probe_model.inputs) == 1 else probe
        outputs = self.probe_model(inputs, training=False)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return [np.asarray(self._keras.ops.convert_to_numpy(o), dtype=np.float64) for o in outputs]

    def measure(self, before: Optional[list[np.ndarray]], probe: Any) -> dict[str, Any]:
        after = self.read_weights()
        acts = self.activations(probe)
        per: list[dict[str, Any]] = [{"w": [], "b": [], "d": 0.0, "has_d": False} for _ in self.layers]
        for k, (owner, bias, _) in enumerate(self.variables):
            acc = per[owner]
            acc["b" if bias else "w"].append(after[k])
            if not bias and before is not None and len(before) == len(after):
                acc["d"] += float(np.sum((after[k] - before[k]) ** 2))
                acc["has_d"] = True
        layers: dict[str, Any] = {}
        for i, layer in enumerate(self.layers):
            s = self._layer(per[i], acts[i], self.families[i])
            if s:
                layers[layer.name] = s
        return layers

    def _layer(self, acc: dict[str, Any], act: Optional[np.ndarray], family: str) -> dict[str, Any]:
        s: dict[str, float] = {}
        non_finite = 0
        if acc["w"]:
            w = np.concatenate([a.ravel() for a in acc["w"]])
            norm = float(np.sqrt(np.sum(w * w)))
            s.update(weightNorm=norm, weightMean=float(w.mean()), weightStd=float(w.std()))
            s["weightMaxAbs"] = float(np.abs(w).max()) if w.size else 0.0
            if acc["has_d"] and norm > 0:
                s["updateRatio"] = float(np.sqrt(acc["d"])) / norm
            non_finite += int(np.size(w) - np.isfinite(w).sum())
        if acc["b"]:
            b = np.concatenate([a.ravel() for a in acc["b"]])
            s.update(biasMean=float(b.mean()), biasStd=float(b.std()))
            non_finite += int(np.size(b) - np.isfinite(b).sum())
        if act is not None and act.size:
            s.update(actMean=float(act.mean()), actStd=float(act.std()))
            if family == "relu" and act.ndim >= 2:
                units = act.reshape(-1, act.shape[-1])
                s["deadFraction"] = float((units.max(axis=0) <= 0).mean())
            if family in _SATURATION:
                centre, limit = _SATURATION[family]
                s["saturatedFraction"] = float((np.abs(act - centre) > limit).mean())
            non_finite += int(act.size - np.isfinite(act).sum())
        if not s:
            return {}
        out: dict[str, Any] = {k: round6(v) for k, v in s.items()}
        out["nanCount"] = non_finite
        return out
