"""A Keras script that calls fit once per epoch in a loop (to evaluate between epochs), then a
second model's fit. No traindx in it. --fail-after raises once training is over."""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np


def build() -> keras.Model:
    layers = [
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
    model = keras.Sequential(layers)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-after", action="store_true")
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(320, 8)).astype("float32")
    y = x[:, :3].argmax(1)
    model = build()
    for epoch in range(4):
        history = model.fit(
            x[:256], y[:256], batch_size=32, epochs=1, verbose=0, validation_data=(x[256:], y[256:])
        )
        print("epoch", epoch, round(history.history["val_loss"][0], 4))
    build().fit(x, y, batch_size=32, epochs=2, verbose=0)
    if args.fail_after:
        raise RuntimeError("planted failure after training")


if __name__ == "__main__":
    main()
