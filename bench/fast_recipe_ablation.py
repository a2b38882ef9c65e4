"""Ablations behind the fast recipe (not a test): one training run, printed as a JSON line.

A stand-alone Keras script, outside the engine, so that each idea can be switched on and off on
its own: the patch-whitened 2x2 first layer (``--stem white2f:24`` frozen, ``white2:24``
trainable, ``conv3:24`` a learned 3x3 conv-BN-ReLU), half-size images for the first part of the
run (``--lowres 16:0.5``), widths, batch size and learning rate, all under a time budget. Trains
on all 50,000 CIFAR-10 training images and prints the test accuracy, plain and with flips.

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/fast_recipe_ablation.py --budget 60 \\
        --stem white2f:24 --lowres 16:0.7 --widths 64,128,256 --bs 128

The fast preset and recipe (``cnn_core.presets``, ``cnn_core.train.fast_settings``) are the
winners; ``bench/train_speed.py`` measures them through the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--widths", default="32,64,128")
    p.add_argument("--stem", default="conv3:24", help="conv3:N, white2:N, white2f:N")
    p.add_argument("--act", default="relu")
    p.add_argument("--budget", type=float, default=60, help="seconds of training")
    p.add_argument("--epochs", type=float, default=100, help="most epochs (the budget ends first)")
    p.add_argument("--bs", type=int, default=256)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--wd", type=float, default=0.05)
    p.add_argument("--ls", type=float, default=0.1, help="label smoothing")
    p.add_argument("--warm", type=float, default=0.25, help="share of the run warming up")
    p.add_argument("--bnm", type=float, default=0.8, help="BatchNormalization momentum")
    p.add_argument("--lowres", default="", help="16:F = the first share F at 16x16")
    p.add_argument("--policy", default="mixed_bfloat16")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pad", type=int, default=4, help="crop padding")
    return p.parse_args(argv)


def whitening(x, channels):
    from cnn_core.whiten import whitening_filters

    return whitening_filters(x[:5000], (2, 2), channels)


def build(a, x_train):
    import keras
    from keras import layers

    pol = a.policy

    def act(h):
        return layers.Activation(a.act, dtype=pol)(h)

    def bn(h):
        return layers.BatchNormalization(momentum=a.bnm, dtype=pol)(h)

    inp = keras.Input((None, None, 3))
    h = layers.Rescaling(1 / 255.0, dtype=pol)(inp)
    kind, channels = a.stem.split(":")
    channels = int(channels)
    stem = None
    if kind == "conv3":
        h = act(bn(layers.Conv2D(channels, 3, padding="same", use_bias=False, dtype=pol)(h)))
    else:
        stem = layers.Conv2D(channels, 2, dtype=pol, trainable=kind == "white2")
        h = act(stem(h))
    for width in (int(w) for w in a.widths.split(",")):
        h = layers.Conv2D(width, 3, padding="same", use_bias=False, dtype=pol)(h)
        h = act(bn(layers.MaxPooling2D(2, dtype=pol)(h)))
        h = act(bn(layers.Conv2D(width, 3, padding="same", use_bias=False, dtype=pol)(h)))
    h = layers.GlobalMaxPooling2D(dtype=pol)(h)
    model = keras.Model(inp, layers.Dense(10, activation="softmax", dtype="float32")(h))
    if stem is not None:
        stem.set_weights(list(whitening(x_train, channels)))
    return model


def main(argv=None) -> int:
    a = parse(argv)
    import keras
    import tensorflow as tf

    from cnn_core.train import _flip_and_crop, half_size

    keras.utils.set_random_seed(a.seed)
    data = np.load(Path(os.environ.get("CNN_STUDIO_DATA", "../shared/data")) / "cifar10.npz")
    x_train, y_train = data["x_train"], data["y_train"].reshape(-1).astype(np.int64)
    x_test, y_test = data["x_test"], data["y_test"].reshape(-1)
    model = build(a, x_train)
    optimizer = keras.optimizers.AdamW(a.lr, weight_decay=a.wd)
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=a.ls)
    model.compile(optimizer, loss, jit_compile=False)
    low = float(a.lowres.split(":")[1]) if a.lowres else 0.0
    eye = np.eye(10, dtype=np.float32)
    clock = {"t0": None, "fraction": 0.0, "step": 0}

    def batches():
        epoch = 0
        while True:
            rng = np.random.default_rng([a.seed, epoch])
            order = rng.permutation(len(x_train))
            for start in range(0, len(order) - a.bs + 1, a.bs):
                idx = order[start : start + a.bs]
                xb = _flip_and_crop(x_train[idx], rng, a.pad) if a.pad else x_train[idx]
                if clock["fraction"] < low:
                    xb = half_size(xb)
                yield xb, eye[y_train[idx]]
            epoch += 1

    spec = (tf.TensorSpec((None, None, None, 3), tf.uint8), tf.TensorSpec((None, 10), tf.float32))
    ds = tf.data.Dataset.from_generator(batches, output_signature=spec)
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32), y)).prefetch(2)
    steps_per_epoch = len(x_train) // a.bs
    total = int(a.epochs * steps_per_epoch)

    class Schedule(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if clock["t0"] is None:
                clock["t0"] = time.perf_counter()
            used = time.perf_counter() - clock["t0"]
            f = clock["fraction"] = max(batch / total, used / a.budget)
            peak = a.lr
            lr = peak * (0.1 + 0.9 * f / a.warm) if f < a.warm else peak * (1 - f) / (1 - a.warm)
            self.model.optimizer.learning_rate = max(lr, 0.0)
            clock["step"] = batch
            if f >= 1:
                self.model.stop_training = True

    model.fit(ds, steps_per_epoch=total + 1, epochs=1, verbose=0, callbacks=[Schedule()])
    train_s = time.perf_counter() - clock["t0"]
    probs = model.predict(x_test.astype(np.float32), batch_size=1000, verbose=0)
    mirrored = model.predict(x_test[:, :, ::-1].astype(np.float32), batch_size=1000, verbose=0)
    flip_accuracy = float(((probs + mirrored).argmax(1) == y_test).mean())
    result = {
        "args": vars(a),
        "steps": clock["step"],
        "epochs": round(clock["step"] / steps_per_epoch, 2),
        "train_s": round(train_s, 1),
        "test_accuracy": round(float((probs.argmax(1) == y_test).mean()) * 100, 2),
        "test_accuracy_flip": round(flip_accuracy * 100, 2),
        "params": model.count_params(),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
