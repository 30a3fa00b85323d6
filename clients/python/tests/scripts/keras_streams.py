"""A Keras script that feeds fit from a Python generator or a keras.utils.PyDataset (--source),
printing fit's losses exactly. No traindx in it. --scale 300 plants inputs far from a
normalised range."""

import argparse
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np


class Batches(keras.utils.PyDataset):
    def __init__(self, x: np.ndarray, y: np.ndarray, size: int) -> None:
        super().__init__()
        self.x, self.y, self.size = x, y, size

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.size)

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        part = slice(i * self.size, (i + 1) * self.size)
        return self.x[part], self.y[part]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=["generator", "pydataset"], default="generator")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1024, 12)).astype("float32")
    y = x[:, :3].argmax(1)
    x = x * args.scale

    def generator():
        while True:
            for i in range(0, len(x), 64):
                yield x[i : i + 64], y[i : i + 64]

    layers = [keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")]
    model = keras.Sequential([keras.Input((12,)), *layers])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    if args.source == "generator":
        history = model.fit(generator(), steps_per_epoch=16, epochs=3, verbose=0)
    else:
        history = model.fit(Batches(x, y, 64), epochs=3, verbose=0)
    print("losses", repr(history.history["loss"]))


if __name__ == "__main__":
    main()
