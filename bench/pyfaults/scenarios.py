"""The planted faults and the healthy runs: one Spec per variant, one run each.

Every cause of spec/vocabulary.md has 3-4 variants across PyTorch and Keras, data sets,
optimizers and severities; the healthy variants vary the same axes. A Spec says only how to
train: nothing of it reaches the trace but what the run itself shows (neutral names).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional


@dataclass(frozen=True)
class Spec:
    id: str
    cause: str  # a cause id of spec/vocabulary.md, or "healthy"
    framework: str  # pytorch | keras
    notes: str
    data: str = "blobs"
    n: int = 800
    # Arguments of the data set's generator: how hard the problem is (moons, spirals and segments
    # take `noise`, blobs `spread`). Overfitting needs validation points the model can get wrong.
    data_options: tuple[tuple[str, float], ...] = ()
    label_noise: float = 0.0  # share of training labels replaced at random
    majority: Optional[float] = None  # share of the most common class (class imbalance)
    scale: float = 1.0
    shift: float = 0.0
    nan_share: float = 0.0  # share of input rows with a NaN
    hidden: tuple[int, ...] = (32, 32)
    activation: str = "relu"
    batch_norm: bool = False
    dropout: float = 0.0
    init: str = "default"  # default | zeros | large | negative_bias
    init_std: float = 3.0  # the spread of "large" kernels
    head: str = "logits"  # logits | sigmoid | relu (the last layer's activation)
    loss: str = "ce"  # ce | mse_onehot | bce | naive_log | mse
    optimizer: str = "adam"  # sgd | momentum | adam
    lr: float = 1e-2
    weight_decay: float = 0.0
    batch: int = 32
    epochs: int = 10
    freeze: str = "none"  # none | all_but_last | lr_zero
    acceptable: tuple[str, ...] = field(default_factory=tuple)


def _v(id: str, cause: str, framework: str, notes: str, **kw: object) -> Spec:
    return Spec(id=id, cause=cause, framework=framework, notes=notes, **kw)  # type: ignore[arg-type]


FAULTS: list[Spec] = [
    # learning_rate_too_high
    _v(
        "lr-high-sgd-blobs",
        "learning_rate_too_high",
        "pytorch",
        "plain SGD at lr 10",
        optimizer="sgd",
        lr=10.0,
    ),
    _v("lr-high-adam-spirals", "learning_rate_too_high", "pytorch", "Adam at lr 1", data="spirals", lr=1.0),
    _v(
        "lr-high-sgd-segments-keras",
        "learning_rate_too_high",
        "keras",
        "SGD at lr 5",
        data="segments",
        optimizer="sgd",
        lr=5.0,
    ),
    _v("lr-high-adam-moons-keras", "learning_rate_too_high", "keras", "Adam at lr 5", data="moons", lr=5.0),
    # learning_rate_too_low
    _v(
        "lr-low-sgd-blobs",
        "learning_rate_too_low",
        "pytorch",
        "plain SGD at lr 1e-5",
        optimizer="sgd",
        lr=1e-5,
    ),
    _v(
        "lr-low-adam-segments",
        "learning_rate_too_low",
        "pytorch",
        "Adam at lr 1e-6",
        data="segments",
        lr=1e-6,
    ),
    _v(
        "lr-low-sgd-spirals-keras",
        "learning_rate_too_low",
        "keras",
        "SGD at lr 1e-5",
        data="spirals",
        optimizer="sgd",
        lr=1e-5,
    ),
    # poor_weight_initialization
    _v("init-large-blobs", "poor_weight_initialization", "pytorch", "kernels N(0, 3)", init="large", lr=1e-3),
    _v(
        "init-zeros-segments",
        "poor_weight_initialization",
        "pytorch",
        "every kernel and bias 0",
        data="segments",
        init="zeros",
    ),
    _v(
        "init-large-moons-keras",
        "poor_weight_initialization",
        "keras",
        "kernels N(0, 10) in a 4-layer ReLU MLP, plain SGD",
        data="moons",
        hidden=(32, 32, 32, 32),
        init_std=10.0,
        init="large",
        optimizer="sgd",
        lr=1e-3,
    ),
    _v(
        "init-zeros-blobs-keras",
        "poor_weight_initialization",
        "keras",
        "every kernel and bias 0",
        init="zeros",
    ),
    # unnormalized_inputs
    _v("inputs-x100-blobs", "unnormalized_inputs", "pytorch", "inputs times 100", scale=100.0, lr=1e-3),
    _v(
        "inputs-offset-moons",
        "unnormalized_inputs",
        "pytorch",
        "inputs plus 500",
        data="moons",
        shift=500.0,
        lr=1e-3,
    ),
    _v(
        "inputs-x255-segments-keras",
        "unnormalized_inputs",
        "keras",
        "pixels in 0..255, plain SGD",
        data="segments",
        scale=255.0,
        optimizer="sgd",
        lr=1e-2,
    ),
    # saturating_activation
    _v(
        "sigmoid-deep-blobs",
        "saturating_activation",
        "pytorch",
        "8 sigmoid layers, SGD",
        hidden=(32,) * 8,
        activation="sigmoid",
        optimizer="sgd",
        lr=0.05,
    ),
    _v(
        "sigmoid-deep-segments-keras",
        "saturating_activation",
        "keras",
        "8 sigmoid layers, SGD",
        data="segments",
        hidden=(32,) * 8,
        activation="sigmoid",
        optimizer="sgd",
        lr=0.05,
    ),
    _v(
        "tanh-deep-spirals",
        "saturating_activation",
        "pytorch",
        "10 tanh layers, large init",
        data="spirals",
        hidden=(32,) * 10,
        activation="tanh",
        init="large",
        optimizer="sgd",
        lr=0.01,
        acceptable=("poor_weight_initialization",),
    ),
    # missing_normalization
    _v(
        "deep-relu-nobn-segments",
        "missing_normalization",
        "pytorch",
        "14 ReLU layers, no BN, SGD",
        data="segments",
        hidden=(32,) * 14,
        optimizer="sgd",
        lr=0.01,
        acceptable=("network_too_deep",),
    ),
    _v(
        "deep-relu-nobn-blobs-keras",
        "missing_normalization",
        "keras",
        "14 ReLU layers, no BN, SGD",
        hidden=(32,) * 14,
        optimizer="sgd",
        lr=0.01,
        acceptable=("network_too_deep",),
    ),
    _v(
        "deep-relu-nobn-spirals",
        "missing_normalization",
        "pytorch",
        "12 ReLU layers, no BN, momentum",
        data="spirals",
        hidden=(32,) * 12,
        optimizer="momentum",
        lr=0.01,
        acceptable=("network_too_deep",),
    ),
    # network_too_deep
    _v(
        "depth-24-tanh-moons",
        "network_too_deep",
        "pytorch",
        "24 tanh layers",
        data="moons",
        hidden=(16,) * 24,
        activation="tanh",
        optimizer="sgd",
        lr=0.01,
        acceptable=("missing_normalization", "saturating_activation"),
    ),
    _v(
        "depth-30-relu-blobs",
        "network_too_deep",
        "pytorch",
        "30 narrow ReLU layers",
        hidden=(8,) * 30,
        optimizer="sgd",
        lr=0.01,
        acceptable=("missing_normalization",),
    ),
    _v(
        "depth-24-relu-segments-keras",
        "network_too_deep",
        "keras",
        "24 narrow ReLU layers",
        data="segments",
        hidden=(12,) * 24,
        optimizer="sgd",
        lr=0.01,
        acceptable=("missing_normalization",),
    ),
    # wrong_loss_function
    _v(
        "loss-mse-onehot-blobs",
        "wrong_loss_function",
        "pytorch",
        "MSE on one-hot classes, 10 classes, plain SGD",
        data="segments",
        loss="mse_onehot",
        optimizer="sgd",
        lr=0.05,
        acceptable=("wrong_output_activation",),
    ),
    _v(
        "loss-mse-onehot-segments-keras",
        "wrong_loss_function",
        "keras",
        "MSE on one-hot classes",
        data="segments",
        loss="mse_onehot",
        acceptable=("wrong_output_activation",),
    ),
    _v(
        "loss-bce-multiclass-spirals-keras",
        "wrong_loss_function",
        "keras",
        "binary CE over 3 softmax classes",
        data="spirals",
        loss="bce",
        acceptable=("wrong_output_activation",),
    ),
    # wrong_output_activation
    _v(
        "head-sigmoid-ce-blobs",
        "wrong_output_activation",
        "pytorch",
        "sigmoid outputs into CrossEntropyLoss, 10 classes, plain SGD",
        data="segments",
        head="sigmoid",
        optimizer="sgd",
        lr=0.05,
        acceptable=("wrong_loss_function",),
    ),
    _v(
        "head-relu-segments-keras",
        "wrong_output_activation",
        "keras",
        "ReLU outputs into categorical CE",
        data="segments",
        head="relu",
        acceptable=("wrong_loss_function", "numerical_instability"),
    ),
    _v(
        "head-sigmoid-spirals-keras",
        "wrong_output_activation",
        "keras",
        "sigmoid outputs into categorical CE, plain SGD",
        data="spirals",
        head="sigmoid",
        optimizer="sgd",
        lr=0.05,
        acceptable=("wrong_loss_function",),
    ),
    # noisy_labels
    _v(
        "labels-noise50-blobs",
        "noisy_labels",
        "pytorch",
        "half the training labels random",
        label_noise=0.5,
        hidden=(128, 128),
        epochs=30,
        acceptable=("insufficient_regularization", "insufficient_data"),
    ),
    _v(
        "labels-noise40-segments-keras",
        "noisy_labels",
        "keras",
        "40% random training labels",
        data="segments",
        label_noise=0.4,
        hidden=(128, 128),
        epochs=30,
        acceptable=("insufficient_regularization", "insufficient_data"),
    ),
    _v(
        "labels-noise60-moons",
        "noisy_labels",
        "pytorch",
        "60% random training labels, 256-256 MLP",
        data="moons",
        n=200,
        label_noise=0.6,
        hidden=(256, 256),
        epochs=100,
        acceptable=("insufficient_regularization", "insufficient_data"),
    ),
    # class_imbalance
    _v("imbalance-95-blobs", "class_imbalance", "pytorch", "95% one class", majority=0.95),
    _v(
        "imbalance-97-segments-keras",
        "class_imbalance",
        "keras",
        "97% one class",
        data="segments",
        majority=0.97,
    ),
    _v("imbalance-93-moons-keras", "class_imbalance", "keras", "93% one class", data="moons", majority=0.93),
    # insufficient_capacity
    _v(
        "capacity-1unit-spirals",
        "insufficient_capacity",
        "pytorch",
        "one hidden unit on spirals",
        data="spirals",
        hidden=(1,),
    ),
    _v(
        "capacity-linear-spirals-keras",
        "insufficient_capacity",
        "keras",
        "no hidden layer on spirals",
        data="spirals",
        hidden=(),
    ),
    _v(
        "capacity-2units-segments",
        "insufficient_capacity",
        "pytorch",
        "two hidden units on 10 noisy digits",
        data="segments",
        data_options=(("noise", 0.6),),
        hidden=(2,),
    ),
    # insufficient_regularization
    _v(
        "overfit-wide-segments",
        "insufficient_regularization",
        "pytorch",
        "512-512 MLP, 200 noisy examples",
        data="segments",
        data_options=(("noise", 0.9),),
        n=260,
        hidden=(512, 512),
        epochs=60,
        acceptable=("insufficient_data",),
    ),
    _v(
        "overfit-wide-blobs-keras",
        "insufficient_regularization",
        "keras",
        "512-512 MLP, overlapping blobs",
        data_options=(("spread", 0.6),),
        n=300,
        hidden=(512, 512),
        epochs=60,
        acceptable=("insufficient_data", "noisy_labels"),
    ),
    _v(
        "overfit-wide-moons",
        "insufficient_regularization",
        "pytorch",
        "256-256 MLP, noisy moons, 80 epochs",
        data="moons",
        n=200,
        hidden=(256, 256),
        epochs=80,
        acceptable=("insufficient_data",),
    ),
    # insufficient_data
    _v(
        "data-tiny-segments",
        "insufficient_data",
        "pytorch",
        "40 noisy examples of 10 classes",
        data="segments",
        data_options=(("noise", 0.9),),
        n=54,
        hidden=(64, 64),
        epochs=60,
        acceptable=("insufficient_regularization",),
    ),
    _v(
        "data-tiny-blobs-keras",
        "insufficient_data",
        "keras",
        "30 examples of overlapping blobs",
        data_options=(("spread", 0.6),),
        n=40,
        hidden=(64, 64),
        epochs=60,
        acceptable=("insufficient_regularization",),
    ),
    _v(
        "data-tiny-spirals",
        "insufficient_data",
        "pytorch",
        "50 noisy spiral points",
        data="spirals",
        data_options=(("noise", 0.4),),
        n=66,
        hidden=(64, 64),
        epochs=80,
        acceptable=("insufficient_regularization",),
    ),
    # batch_size_too_small
    _v(
        "batch1-sgd-blobs",
        "batch_size_too_small",
        "pytorch",
        "batch 1, SGD lr 0.5, spirals",
        data="spirals",
        n=400,
        batch=1,
        optimizer="sgd",
        lr=0.5,
        epochs=2,
        acceptable=("learning_rate_too_high",),
    ),
    _v(
        "batch1-adam-moons-keras",
        "batch_size_too_small",
        "keras",
        "batch 1, plain SGD lr 1",
        data="moons",
        n=400,
        batch=1,
        optimizer="sgd",
        lr=1.0,
        epochs=2,
        acceptable=("learning_rate_too_high",),
    ),
    _v(
        "batch2-sgd-segments",
        "batch_size_too_small",
        "pytorch",
        "batch 2, momentum 0.05",
        data="segments",
        n=400,
        batch=2,
        optimizer="momentum",
        lr=0.05,
        epochs=2,
        acceptable=("learning_rate_too_high",),
    ),
    # weights_not_updating
    _v(
        "frozen-lr0-blobs",
        "weights_not_updating",
        "pytorch",
        "learning rate 0",
        lr=0.0,
        acceptable=("learning_rate_too_low",),
    ),
    _v(
        "frozen-body-segments",
        "weights_not_updating",
        "pytorch",
        "all layers but the last frozen",
        data="segments",
        freeze="all_but_last",
    ),
    _v(
        "frozen-lr0-moons-keras",
        "weights_not_updating",
        "keras",
        "learning rate 0",
        data="moons",
        lr=0.0,
        acceptable=("learning_rate_too_low",),
    ),
    _v(
        "frozen-body-blobs-keras",
        "weights_not_updating",
        "keras",
        "all layers but the last frozen, spirals",
        data="spirals",
        freeze="all_but_last",
    ),
    # dying_relu
    _v("dying-bias-blobs", "dying_relu", "pytorch", "ReLU biases at -5", init="negative_bias"),
    _v(
        "dying-bias-segments-keras",
        "dying_relu",
        "keras",
        "ReLU biases at -5",
        data="segments",
        init="negative_bias",
    ),
    _v(
        "dying-lr-spirals",
        "dying_relu",
        "pytorch",
        "ReLU MLP, SGD lr 3 kills units",
        data="spirals",
        optimizer="sgd",
        lr=3.0,
        acceptable=("learning_rate_too_high",),
    ),
    # numerical_instability
    _v(
        "naive-log-blobs",
        "numerical_instability",
        "pytorch",
        "log(softmax(x)) by hand, inputs x200",
        loss="naive_log",
        scale=200.0,
        acceptable=("unnormalized_inputs", "learning_rate_too_high"),
    ),
    _v(
        "naive-log-segments-keras",
        "numerical_instability",
        "keras",
        "-log(p) without clipping, lr 0.1, inputs x50",
        data="segments",
        loss="naive_log",
        scale=50.0,
        lr=0.1,
        acceptable=("learning_rate_too_high",),
    ),
    _v(
        "naive-log-moons",
        "numerical_instability",
        "pytorch",
        "log(softmax(x)) by hand, Adam 0.1, inputs x50",
        data="moons",
        loss="naive_log",
        scale=50.0,
        lr=0.1,
        acceptable=("learning_rate_too_high",),
    ),
    # bad_input_data
    _v("nan-inputs-blobs", "bad_input_data", "pytorch", "1% of input rows hold a NaN", nan_share=0.01),
    _v(
        "nan-inputs-segments-keras",
        "bad_input_data",
        "keras",
        "2% of input rows hold a NaN",
        data="segments",
        nan_share=0.02,
    ),
    _v(
        "nan-inputs-moons",
        "bad_input_data",
        "pytorch",
        "0.5% of input rows hold a NaN",
        data="moons",
        nan_share=0.005,
    ),
    # extra variants of frequent faults
    _v(
        "lr-high-momentum-segments",
        "learning_rate_too_high",
        "pytorch",
        "momentum SGD at lr 3",
        data="segments",
        optimizer="momentum",
        lr=3.0,
    ),
    _v("lr-low-adam-blobs-keras", "learning_rate_too_low", "keras", "Adam at lr 1e-6", lr=1e-6),
    _v(
        "inputs-x1000-spirals-keras",
        "unnormalized_inputs",
        "keras",
        "inputs times 1000",
        data="spirals",
        scale=1000.0,
        lr=1e-3,
    ),
]

_HEALTHY_BASE = [
    ("blobs", "pytorch", dict(lr=1e-2)),
    ("moons", "pytorch", dict(hidden=(64, 64), lr=1e-2)),
    ("spirals", "pytorch", dict(hidden=(64, 64), epochs=30, lr=1e-2)),
    ("segments", "pytorch", dict(hidden=(64,), lr=1e-2)),
    ("blobs", "keras", dict(lr=1e-2)),
    ("moons", "keras", dict(hidden=(64, 64), lr=1e-2)),
    ("spirals", "keras", dict(hidden=(64, 64), epochs=30, lr=1e-2)),
    ("segments", "keras", dict(hidden=(64,), lr=1e-2)),
]
_HEALTHY_STYLE = [
    ("adam", {}),
    ("momentum", dict(optimizer="momentum", lr=0.05)),
    ("tanh-bn", dict(activation="tanh", batch_norm=True)),
]
# A healthy run stops where its validation loss stops improving, as its author would stop it:
# Keras' tanh + batch-norm MLP on moons reached its best validation loss at epoch 5 of 10 and
# then rose 24% (mild overfitting, which the label check rightly refused as healthy).
_HEALTHY_EPOCHS = {"healthy-tanh-bn-moons-keras": 6}
HEALTHY: list[Spec] = [
    replace(
        Spec(id="", cause="healthy", framework=fw, notes=""),
        **{**base, **style},
        id=f"healthy-{name}-{data}-{'keras' if fw == 'keras' else 'torch'}",
        data=data,
        notes=f"{name} on {data}",
    )
    for data, fw, base in _HEALTHY_BASE
    for name, style in _HEALTHY_STYLE
]
HEALTHY = [
    replace(spec, epochs=_HEALTHY_EPOCHS[spec.id], notes=f"{spec.notes}, {_HEALTHY_EPOCHS[spec.id]} epochs")
    if spec.id in _HEALTHY_EPOCHS
    else spec
    for spec in HEALTHY
] + [
    _v(
        "healthy-regression-friedman-torch",
        "healthy",
        "pytorch",
        "MSE regression",
        data="friedman",
        loss="mse",
        hidden=(64, 64),
        epochs=30,
        lr=3e-3,
    ),
    _v(
        "healthy-regression-friedman-keras",
        "healthy",
        "keras",
        "MSE regression",
        data="friedman",
        loss="mse",
        hidden=(64, 64),
        epochs=30,
        lr=3e-3,
    ),
    _v(
        "healthy-dropout-segments-torch",
        "healthy",
        "pytorch",
        "dropout 0.3, weight decay",
        data="segments",
        hidden=(128, 128),
        dropout=0.3,
        weight_decay=1e-4,
    ),
]

ALL: list[Spec] = FAULTS + HEALTHY
