"""One Keras run of a Spec as a user's plain script writes it, with no traindx in it: the
recorded run's model, optimizer and loss (train_keras.build), then `model.compile` and
`model.fit(..., validation_data=...)`. `zero_code.py --style keras` runs it under
`python -m traindx run`, which hands `fit` its callback.

    python bench/pyfaults/plain_keras.py SPEC_ID
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from prepare import prepare
from scenarios import ALL
from train_keras import build, naive_log_loss

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    keras.utils.set_random_seed(SEED)
    xt, yt, xv, yv = prepare(spec, SEED)
    regression = spec.loss == "mse"
    outputs = 1 if regression else int(max(yt.max(), yv.max())) + 1
    model = build(spec, xt.shape[1], outputs, regression)
    optimizer = {
        "sgd": lambda: keras.optimizers.SGD(spec.lr),
        "momentum": lambda: keras.optimizers.SGD(spec.lr, momentum=0.9),
    }.get(spec.optimizer, lambda: keras.optimizers.Adam(spec.lr))()
    if spec.weight_decay:
        optimizer.weight_decay = spec.weight_decay
    y_train, y_val = yt, yv
    loss: object = "sparse_categorical_crossentropy"
    if regression:
        loss = "mse"
    elif spec.loss in ("mse_onehot", "bce"):
        loss = "mse" if spec.loss == "mse_onehot" else "binary_crossentropy"
        y_train, y_val = np.eye(outputs)[yt], np.eye(outputs)[yv]
    elif spec.loss == "naive_log":
        loss = naive_log_loss
    model.compile(optimizer, loss, metrics=[] if regression else ["accuracy"])
    model.fit(xt, y_train, validation_data=(xv, y_val), batch_size=spec.batch, epochs=spec.epochs, verbose=2)


if __name__ == "__main__":
    main(sys.argv[1])
