"""The run event of a Keras 3 model: layers, optimizer, loss and task, read from the model."""

from __future__ import annotations

import contextlib
import re
from typing import Any, Optional

from ..encode import round6

# Layer variables that are running averages, not trained parameters (their change is no update).
MOVING = re.compile(r"moving_(mean|variance)$")
BIAS = re.compile(r"(^|/)(bias|beta)$")


def snake(name: str) -> str:
    """Keras' snake_case of a class name: `GlorotUniform` → `glorot_uniform`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def initializer_name(config: Any) -> Optional[str]:
    """An initializer as Keras names it in strings: `glorot_uniform`, `zeros`, `constant(-6)`."""
    if isinstance(config, str):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        return None
    cls = str(config["class_name"])
    if cls == "Constant":
        return f"constant({(config.get('config') or {}).get('value')})"
    return snake(cls)


def activation_of(layer: Any) -> Optional[str]:
    """The activation a layer applies: its `activation` config, or the function of an activation layer."""
    kind = type(layer).__name__
    if kind == "ReLU":
        return "relu"
    if kind in ("LeakyReLU", "PReLU", "ELU", "Softmax"):
        return snake(kind).replace("_re_l_u", "_relu").replace("re_l_u", "relu")
    config = _config(layer)
    activation = config.get("activation")
    return activation if isinstance(activation, str) else None


def _config(layer: Any) -> dict[str, Any]:
    try:
        return layer.get_config()
    except Exception:  # a custom layer without get_config
        return {}


def describe_layers(model: Any) -> list[dict[str, Any]]:
    """Every layer in order, with Keras' own names and types."""
    layers = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        config = _config(layer)
        info: dict[str, Any] = {"name": layer.name, "type": kind, "trainable": bool(layer.trainable)}
        activation = activation_of(layer)
        if activation:
            info["activation"] = activation
        units = config.get("units", config.get("filters"))
        if isinstance(units, int):
            info["units"] = units
        with contextlib.suppress(Exception):  # an unbuilt layer: its count is unknown, not zero
            info["params"] = int(layer.count_params())
        kernel = initializer_name(config.get("kernel_initializer", config.get("depthwise_initializer")))
        if kernel:
            info["kernelInitializer"] = kernel
        bias = initializer_name(config.get("bias_initializer")) if config.get("use_bias", True) else None
        if bias:
            info["biasInitializer"] = bias
        shape = _output_shape(layer)
        if shape is not None:
            info["outputShape"] = shape
        layers.append(info)
    return layers


def _output_shape(layer: Any) -> Optional[list[Optional[int]]]:
    try:
        shape = layer.output.shape
    except Exception:
        return None
    dims = list(shape)
    return dims if all(d is None or isinstance(d, int) for d in dims) else None


def describe_model(model: Any) -> dict[str, Any]:
    trainable = sum(int(_size(v)) for v in model.trainable_weights)
    return {
        "params": int(model.count_params()),
        "trainableParams": trainable,
        "layers": describe_layers(model),
    }


def _size(variable: Any) -> int:
    n = 1
    for d in variable.shape:
        n *= int(d)
    return n


def describe_optimizer(optimizer: Any) -> Optional[dict[str, Any]]:
    if optimizer is None:
        return None
    inner = getattr(optimizer, "inner_optimizer", None)  # a LossScaleOptimizer (mixed precision)
    config = optimizer.get_config()
    # The class's name: the config's is the user's or Keras' snake_case of it (`rm_sprop`).
    info: dict[str, Any] = {"name": type(inner or optimizer).__name__.lower()}
    lr = learning_rate_of(optimizer)
    if lr is not None:
        info["learningRate"] = lr
    for key, field in (
        ("momentum", "momentum"),
        ("weight_decay", "weightDecay"),
        ("clipnorm", "clipNorm"),
        ("global_clipnorm", "globalClipNorm"),
        ("beta_1", "beta1"),
        ("beta_2", "beta2"),
        ("epsilon", "epsilon"),
        ("rho", "rho"),
    ):
        value = config.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            info[field] = round6(float(value))
    if isinstance(config.get("nesterov"), bool):
        info["nesterov"] = config["nesterov"]
    return info


def learning_rate_of(optimizer: Any) -> Optional[float]:
    """The current learning rate (a schedule's value at this step), six digits."""
    try:
        return round6(float(optimizer.learning_rate))
    except Exception:
        return None


def describe_loss(loss: Any) -> dict[str, Any]:
    """`loss` as the trace names it (Keras' snake_case) and `fromLogits` (Keras' default: False)."""
    first = loss[0] if isinstance(loss, (list, tuple)) and loss else loss
    if isinstance(first, dict) and first:
        first = next(iter(first.values()))
    if isinstance(first, str):
        return {"loss": first, "fromLogits": False}
    if first is None:
        return {}
    config: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        config = first.get_config()
    name = snake(type(first).__name__) if hasattr(first, "get_config") else getattr(first, "__name__", None)
    fields: dict[str, Any] = {"loss": name} if name else {}
    if isinstance(config.get("from_logits"), bool):
        fields["fromLogits"] = config["from_logits"]
    elif name:
        fields["fromLogits"] = False
    return fields


def task_of(loss: Optional[str], output_units: Optional[int]) -> Optional[str]:
    """The task a loss implies (the TS monitor's inferTask)."""
    if not loss:
        return None
    if "binary" in loss:
        return "binary-classification" if (output_units or 1) == 1 else "other"
    if re.search(r"crossentropy|hinge|kl", loss):
        return "classification"
    if re.search(r"squared|absolute|huber|log_cosh|poisson|cosine|mse|mae", loss):
        return "regression"
    return None


def output_units(model: Any) -> Optional[int]:
    try:
        last = model.outputs[0].shape[-1]
    except Exception:
        return None
    return int(last) if isinstance(last, int) else None
