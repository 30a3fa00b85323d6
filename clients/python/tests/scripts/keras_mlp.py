"""A plain Keras 3 training script, as a user writes it: no traindx in it.

Faults from the command line: --lr 5 --optimizer sgd (learning_rate_too_high),
--depth 8 --activation sigmoid (saturating_activation), --scale 100 (unnormalized_inputs).
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np


def blobs(n: int, classes: int, features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, features)) * 3
    y = rng.integers(0, classes, size=n)
    x = centres[y] + rng.normal(size=(n, features))
    return x.astype("float32"), y


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--n", type=int, default=640)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    x, y = blobs(args.n, 4, 10, seed=1)
    x = x * args.scale
    layers = [keras.Input((10,))]
    layers += [keras.layers.Dense(32, activation=args.activation) for _ in range(args.depth)]
    layers += [keras.layers.Dense(4, activation="softmax")]
    model = keras.Sequential(layers)
    optimizer = keras.optimizers.SGD(args.lr) if args.optimizer == "sgd" else keras.optimizers.Adam(args.lr)
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.2, verbose=0)
    print("final loss", history.history["loss"][-1])


if __name__ == "__main__":
    main()
