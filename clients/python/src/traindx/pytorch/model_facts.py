"""The model part of the run event, read from a torch.nn.Module: layers in registration order."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import torch
from torch import nn

from ..activation_family import family_of
from . import functional_activations
from .functional_activations import Applied

# The trace names layer types as Keras does (spec/trace-format.md); `torchType` keeps PyTorch's.
_TYPES = {
    "Linear": "Dense",
    "LazyLinear": "Dense",
    # nn.MultiheadAttention's output projection: a Linear by another name.
    "NonDynamicallyQuantizableLinear": "Dense",
    "Conv1d": "Conv1D",
    "Conv2d": "Conv2D",
    "Conv3d": "Conv3D",
    "ConvTranspose1d": "Conv1DTranspose",
    "ConvTranspose2d": "Conv2DTranspose",
    "BatchNorm1d": "BatchNormalization",
    "BatchNorm2d": "BatchNormalization",
    "BatchNorm3d": "BatchNormalization",
    "LayerNorm": "LayerNormalization",
    "GroupNorm": "GroupNormalization",
    "Dropout": "Dropout",
    "Dropout1d": "Dropout",
    "Dropout2d": "SpatialDropout2D",
    "Embedding": "Embedding",
    "LSTM": "LSTM",
    "GRU": "GRU",
    "RNN": "SimpleRNN",
    "MaxPool1d": "MaxPooling1D",
    "MaxPool2d": "MaxPooling2D",
    "AvgPool2d": "AveragePooling2D",
    "AdaptiveAvgPool1d": "GlobalAveragePooling1D",
    "AdaptiveAvgPool2d": "GlobalAveragePooling2D",
    "Flatten": "Flatten",
    "MultiheadAttention": "MultiHeadAttention",
}

# Activation modules and the activation name the detectors know them by (detect/model-view.ts).
ACTIVATIONS = {
    "ReLU": "relu",
    "ReLU6": "relu6",
    "LeakyReLU": "leaky_relu",
    "PReLU": "prelu",
    "ELU": "elu",
    "SELU": "selu",
    "CELU": "celu",
    "GELU": "gelu",
    "SiLU": "silu",
    "Mish": "mish",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "Softplus": "softplus",
    "Softsign": "softsign",
    "Hardtanh": "hardtanh",
    "Hardsigmoid": "hardsigmoid",
    "Hardswish": "hardswish",
    # Hugging Face's own activation modules (transformers.activations).
    "GELUActivation": "gelu",
    "NewGELUActivation": "gelu",
    "FastGELUActivation": "gelu",
    "QuickGELUActivation": "gelu",
    "SiLUActivation": "silu",
}

# Outputs laid out [batch, channels, ...]: a unit is a channel (dim 1), not the last axis.
_CHANNEL_FIRST = (
    "Conv",
    "BatchNorm2d",
    "BatchNorm3d",
    "MaxPool",
    "AvgPool",
    "AdaptiveAvgPool",
    "InstanceNorm",
)


@dataclass
class TrackedLayer:
    """A module the run describes and measures: a leaf, or a module with parameters of its own."""

    name: str
    module: nn.Module
    family: str  # relu | sigmoid | tanh | other: how its output is judged (dead or saturated units)
    channel_first: bool
    params: list[tuple[str, nn.Parameter]] = field(default_factory=list)
    # An activation the model's forward applies to this layer's output as a function
    # (functional_activations.py): its name, the function and its other arguments.
    applied: Optional[Applied] = None

    @property
    def torch_type(self) -> str:
        return type(self.module).__name__


def track_layers(model: nn.Module) -> list[TrackedLayer]:
    """Every leaf module and every module holding parameters itself, in registration order (the
    forward order of Sequential models and of most others), named as PyTorch names them."""
    layers: list[TrackedLayer] = []
    for name, module in model.named_modules():
        own = list(module.named_parameters(recurse=False))
        has_children = any(True for _ in module.children())
        if has_children and not own:
            continue
        if _not_a_layer(module):
            continue
        kind = type(module).__name__
        activation = ACTIVATIONS.get(kind)
        previous_cf = layers[-1].channel_first if layers else False
        channel_first = kind.startswith(_CHANNEL_FIRST) or (activation is not None and previous_cf)
        layers.append(TrackedLayer(name or kind.lower(), module, family_of(activation), channel_first, own))
    return layers


def note_functional_activations(layers: list[TrackedLayer], root: Any) -> list[int]:
    """Gives the layers without an activation of their own the one the model's forward applied
    to their output as a function, as the autograd graph below `root` (the first step's loss)
    shows it (functional_activations.py). The positions of the layers that got one."""
    found = functional_activations.state.applied(root)
    changed = []
    for index, layer in enumerate(layers):
        if layer.applied is None and layer.torch_type not in ACTIVATIONS and id(layer.module) in found:
            layer.applied = found[id(layer.module)][1]
            layer.family = family_of(layer.applied[0])
            changed.append(index)
    return changed


def _not_a_layer(module: nn.Module) -> bool:
    """Loss functions and metrics that a LightningModule or a model holds as attributes."""
    if isinstance(module, (nn.modules.loss._Loss, nn.Identity)):
        return True
    return type(module).__module__.startswith("torchmetrics")


def units_of(module: nn.Module) -> Optional[int]:
    for attr in ("out_features", "out_channels", "embedding_dim", "hidden_size", "num_features", "embed_dim"):
        value = getattr(module, attr, None)
        if isinstance(value, int):
            return value
    return None


def describe_model(layers: list[TrackedLayer], model: nn.Module) -> dict[str, Any]:
    """The run event's `model`: totals and one entry per tracked layer. Reads the initial weights
    once (one host transfer) to name their initializers."""
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    inits = _initializers(layers)
    described = []
    for layer in layers:
        kind = layer.torch_type
        activation = ACTIVATIONS.get(kind) or (layer.applied[0] if layer.applied else None)
        info: dict[str, Any] = {
            "name": layer.name,
            "type": "Activation" if kind in ACTIVATIONS else _TYPES.get(kind, kind),
            "torchType": kind,
        }
        info["activation"] = activation or "linear"
        units = units_of(layer.module)
        if units is not None:
            info["units"] = units
        # 0 for a layer without weights: the detectors then never take it for a weighted layer.
        info["params"] = sum(p.numel() for _, p in layer.params)
        if layer.params:
            info["trainable"] = all(p.requires_grad for _, p in layer.params)
        info.update(inits.get(layer.name, {}))
        described.append(info)
    return {"params": params, "trainableParams": trainable, "layers": described}


def _initializers(layers: list[TrackedLayer]) -> dict[str, dict[str, str]]:
    """Names the initializer of Linear and Conv weights and biases where the values show it:
    one constant (`zeros`, `constant(v)`), or PyTorch's default (`kaiming_uniform` with a=√5,
    i.e. U(±1/√fan_in), std 1/√(3·fan_in); biases U(±1/√fan_in), `uniform_fan_in`)."""
    targets: list[tuple[str, str, torch.Tensor, int]] = []
    for layer in layers:
        if not isinstance(layer.module, (nn.Linear, nn.modules.conv._ConvNd)):
            continue
        weight = layer.module.weight
        fan_in = weight[0].numel() if weight.dim() > 1 else 1
        targets.append((layer.name, "kernelInitializer", weight, fan_in))
        if layer.module.bias is not None:
            targets.append((layer.name, "biasInitializer", layer.module.bias, fan_in))
    if not targets:
        return {}
    with torch.no_grad():
        rows = [
            torch.stack(
                [t.detach().float().min(), t.detach().float().max(), t.detach().float().std(correction=0)]
            )
            for _, _, t, _ in targets
        ]
        device = rows[0].device
        values = torch.stack([r.to(device) for r in rows]).tolist()
    out: dict[str, dict[str, str]] = {}
    for (name, key, tensor, fan_in), (low, high, std) in zip(targets, values):
        bound = 1 / math.sqrt(fan_in)
        label: Optional[str] = None
        if low == high:
            label = "zeros" if low == 0 else f"constant({low:g})"
        elif max(-low, high) <= bound * (1 + 1e-6):
            # With a handful of values the spread says little; the bound alone names the bias init.
            uniform_std = bound / math.sqrt(3)
            if key == "biasInitializer":
                label = "uniform_fan_in"
            elif tensor.numel() >= 64 and abs(std - uniform_std) <= 0.2 * uniform_std:
                label = "kaiming_uniform"
        if label:
            out.setdefault(name, {})[key] = label
    return out
