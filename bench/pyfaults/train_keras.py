"""One Keras 3 run of a Spec, recorded by the traindx client (TraindxCallback)."""

from __future__ import annotations

import keras
import numpy as np
from prepare import prepare
from scenarios import Spec

from traindx.keras import TraindxCallback


def build(spec: Spec, features: int, outputs: int, regression: bool) -> keras.Sequential:
    init = {"zeros": "zeros", "large": keras.initializers.RandomNormal(stddev=spec.init_std)}.get(
        spec.init, "glorot_uniform"
    )
    bias = keras.initializers.Constant(-5.0) if spec.init == "negative_bias" else "zeros"
    if spec.init == "zeros":
        bias = "zeros"
    layers: list = [keras.Input((features,))]
    for units in spec.hidden:
        layers.append(
            keras.layers.Dense(
                units,
                activation=None if spec.batch_norm else spec.activation,
                kernel_initializer=init,
                bias_initializer=bias,
            )
        )
        if spec.batch_norm:
            # PyTorch's running-average rate (Keras' default 0.99 leaves the moving statistics,
            # which validation uses, far from the batch ones after a few hundred steps).
            normalise = keras.layers.BatchNormalization(momentum=0.9)
            layers += [normalise, keras.layers.Activation(spec.activation)]
        if spec.dropout:
            layers.append(keras.layers.Dropout(spec.dropout))
    head = "linear" if regression else {"relu": "relu", "sigmoid": "sigmoid"}.get(spec.head, "softmax")
    if spec.loss == "bce" and not regression:
        head = "softmax"
    layers.append(
        keras.layers.Dense(
            outputs,
            activation=head,
            kernel_initializer=init if spec.init != "negative_bias" else "glorot_uniform",
        )
    )
    model = keras.Sequential(layers)
    if spec.freeze == "all_but_last":
        for layer in model.layers[:-1]:
            layer.trainable = False
    return model


def naive_log_loss(y_true, y_pred):  # noqa: ANN001, ANN201 - a Keras loss function
    """-log(p) of the true class without clipping: log(0) = -inf once a softmax saturates."""
    picked = keras.ops.take_along_axis(
        y_pred, keras.ops.cast(keras.ops.reshape(y_true, (-1, 1)), "int32"), axis=1
    )
    return -keras.ops.log(picked)


def train(spec: Spec, seed: int, out: str, run_id: str) -> None:
    keras.utils.set_random_seed(seed)
    xt, yt, xv, yv = prepare(spec, seed)
    regression = spec.loss == "mse"
    outputs = 1 if regression else int(max(yt.max(), yv.max())) + 1
    model = build(spec, xt.shape[1], outputs, regression)
    if spec.optimizer == "sgd":
        opt = keras.optimizers.SGD(spec.lr)
    elif spec.optimizer == "momentum":
        opt = keras.optimizers.SGD(spec.lr, momentum=0.9)
    else:
        opt = keras.optimizers.Adam(spec.lr)
    if spec.weight_decay:
        opt.weight_decay = spec.weight_decay
    y_train, y_val = yt, yv
    metrics: list = [] if regression else ["accuracy"]
    if regression:
        loss = "mse"
    elif spec.loss == "mse_onehot":
        loss, y_train, y_val = "mse", np.eye(outputs)[yt], np.eye(outputs)[yv]
    elif spec.loss == "bce":
        loss, y_train, y_val = "binary_crossentropy", np.eye(outputs)[yt], np.eye(outputs)[yv]
    elif spec.loss == "naive_log":
        loss = naive_log_loss
    else:
        loss = "sparse_categorical_crossentropy"
    model.compile(opt, loss, metrics=metrics)
    callback = TraindxCallback(
        out=out,
        run_id=run_id,
        name=run_id,
        every=5,
        x=xt,
        y=y_train,
        validation_data=(xv, y_val),
        batch_size=spec.batch,
    )
    model.fit(
        xt,
        y_train,
        validation_data=(xv, y_val),
        batch_size=spec.batch,
        epochs=spec.epochs,
        verbose=0,
        callbacks=[callback],
    )
