"""A Keras model trained by a loop of the script's own, as the Keras guide writes one: a
tf.GradientTape, optimizer.apply_gradients, batches from a tf.data pipeline, three epochs, the
loss printed exactly. No traindx in it. --function traces the step with @tf.function; --numpy
slices the batches from the numpy arrays by hand instead of tf.data; --scale 300 plants inputs
far from a normalised range."""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import tensorflow as tf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--function", action="store_true")
    parser.add_argument("--numpy", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 12)).astype("float32")
    y = x[:, :3].argmax(1)
    x = x * args.scale
    train_dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    model = keras.Sequential(
        [keras.Input((12,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3)]
    )
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss_value = loss_fn(yb, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        return loss_value

    if args.function:
        train_step = tf.function(train_step)
    for epoch in range(args.epochs):
        if args.numpy:
            for start in range(0, len(x), 64):
                loss_value = train_step(x[start : start + 64], y[start : start + 64])
        else:
            for _step, (xb, yb) in enumerate(train_dataset):
                loss_value = train_step(xb, yb)
        print(f"epoch {epoch} loss {float(loss_value)!r}")
    print("last loss", repr(float(loss_value)))


if __name__ == "__main__":
    main()
