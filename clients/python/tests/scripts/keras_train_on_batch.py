"""A Keras script that trains with train_on_batch in its own loop (no fit), printing its last
loss exactly. No traindx in it. --scale 300 plants inputs far from a normalised range."""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1024, 12)).astype("float32")
    y = x[:, :3].argmax(1)
    x = x * args.scale
    model = keras.Sequential(
        [keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    for _ in range(3):
        for i in range(0, len(x), 64):
            loss, _accuracy = model.train_on_batch(x[i : i + 64], y[i : i + 64])
    print("last loss", repr(float(loss)))


if __name__ == "__main__":
    main()
