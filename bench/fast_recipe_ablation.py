"""Ablations behind the fast recipe (not a test): one training run, printed as a JSON line.

A stand-alone Keras script, outside the engine, so that each idea can be switched on and off on
its own. The first wave (``bench/README.md``) tried the patch-whitened 2x2 first layer
(``--stem white2f:24`` frozen, ``white2:24`` trainable, ``conv3:24`` a learned 3x3 conv-BN-ReLU),
half-size images early (``--lowres 16:0.5``), widths, batch size and learning rate. The second
wave tries what airbench (Keller Jordan) does that the first recipe did not, one flag each:

- ``--opt nesterov``: Nesterov SGD (``--momentum``) instead of AdamW, with ``--wd`` as Keras's
  decoupled weight decay (multiplied by the learning rate at each step);
- ``--bn-scale 0``: BatchNormalization without a learned scale (airbench's ``weight=False``);
- ``--act gelu``; ``--dirac 1``: identity initialisation of each convolution's first filters;
- ``--alt-flip 1``: each image flipped in every other epoch instead of at random;
- ``--lookahead 1``: every 5 steps the weights move to an average of their recent past;
- ``--tta 0/1/2``: test-time augmentation (none, flips, flips and one-pixel translations);
- ``--end-lr``: the one-cycle schedule ends at this fraction of the peak instead of 0.

Trains on all 50,000 CIFAR-10 training images under a time budget (``--budget``; or for
``--epochs`` with ``--budget 0``) and prints the test accuracy, plain and with the chosen
test-time augmentation.

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


def policy(name: str) -> str:
    from cnn_core.train import native_bf16

    if name != "auto":
        return name
    return "mixed_bfloat16" if native_bf16() else "float32"


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--widths", default="32,64,128")
    p.add_argument("--stem", default="conv3:24", help="conv3:N, white2:N, white2f:N")
    p.add_argument("--act", default="relu")
    p.add_argument("--budget", type=float, default=60, help="seconds of training (0: --epochs)")
    p.add_argument("--epochs", type=float, default=100, help="most epochs (the budget ends first)")
    p.add_argument("--bs", type=int, default=256)
    p.add_argument("--opt", default="adamw", choices=["adamw", "nesterov"])
    p.add_argument("--momentum", type=float, default=0.85, help="Nesterov momentum")
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--wd", type=float, default=0.05)
    p.add_argument("--ls", type=float, default=0.1, help="label smoothing")
    p.add_argument("--warm", type=float, default=0.25, help="share of the run warming up")
    p.add_argument("--start-lr", type=float, default=0.1, help="first lr, share of the peak")
    p.add_argument("--end-lr", type=float, default=0.0, help="last lr, share of the peak")
    p.add_argument("--bnm", type=float, default=0.8, help="BatchNormalization momentum")
    p.add_argument("--bn-scale", type=int, default=1, help="BatchNormalization learns a scale")
    p.add_argument("--dirac", type=int, default=0, help="identity init of the first filters")
    p.add_argument("--alt-flip", type=int, default=0, help="flip every other epoch")
    p.add_argument("--lookahead", type=int, default=0, help="lookahead every 5 steps")
    p.add_argument("--tta", type=int, default=1, help="0 none, 1 flips, 2 flips + translations")
    p.add_argument("--lowres", default="", help="16:F = the first share F at 16x16")
    p.add_argument("--policy", default="auto", help="auto: bfloat16 only where the CPU has it")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pad", type=int, default=4, help="crop padding")
    return p.parse_args(argv)


def whitening(x, channels):
    from cnn_core.whiten import whitening_filters

    return whitening_filters(x[:5000], (2, 2), channels)


def build(a, x_train):
    import keras
    from keras import layers

    pol = policy(a.policy)
    convs = []

    def act(h):
        return layers.Activation(a.act, dtype=pol)(h)

    def bn(h):
        return layers.BatchNormalization(momentum=a.bnm, scale=bool(a.bn_scale), dtype=pol)(h)

    def conv(width, h):
        layer = layers.Conv2D(width, 3, padding="same", use_bias=False, dtype=pol)
        convs.append(layer)
        return layer(h)

    inp = keras.Input((None, None, 3))
    h = layers.Rescaling(1 / 255.0, dtype=pol)(inp)
    kind, channels = a.stem.split(":")
    channels = int(channels)
    stem = None
    if kind == "conv3":
        h = act(bn(conv(channels, h)))
    else:
        stem = layers.Conv2D(channels, 2, dtype=pol, trainable=kind == "white2")
        h = act(stem(h))
    for width in (int(w) for w in a.widths.split(",")):
        h = act(bn(layers.MaxPooling2D(2, dtype=pol)(conv(width, h))))
        h = act(bn(conv(width, h)))
    h = layers.GlobalMaxPooling2D(dtype=pol)(h)
    model = keras.Model(inp, layers.Dense(10, activation="softmax", dtype="float32")(h))
    if stem is not None:
        stem.set_weights(list(whitening(x_train, channels)))
    if a.dirac:
        for layer in convs:
            kernel = layer.get_weights()[0]  # (3, 3, in, out)
            n = min(kernel.shape[2], kernel.shape[3])
            kernel[:, :, :, :n] = 0.0
            kernel[1, 1, np.arange(n), np.arange(n)] = 1.0
            layer.set_weights([kernel])
    return model


def make_optimizer(a):
    import keras

    if a.opt == "nesterov":
        return keras.optimizers.SGD(
            a.lr, momentum=a.momentum, nesterov=True, weight_decay=a.wd / a.lr
        )
    return keras.optimizers.AdamW(a.lr, weight_decay=a.wd)


def tta_predict(model, x, level):
    """Mean log-probabilities over flips (level 1) and one-pixel translations (level 2)."""

    def logp(images):
        p = model.predict(images.astype(np.float32), batch_size=1000, verbose=0)
        return np.log(np.clip(p, 1e-12, 1.0))

    def mirrored(images):
        return 0.5 * (logp(images) + logp(images[:, :, ::-1]))

    if level == 0:
        return logp(x)
    out = mirrored(x)
    if level == 1:
        return out
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect")
    up_left = padded[:, :-2, :-2]
    down_right = padded[:, 2:, 2:]
    return 0.5 * out + 0.25 * (mirrored(up_left) + mirrored(down_right))


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
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=a.ls)
    model.compile(make_optimizer(a), loss, jit_compile=False)
    low = float(a.lowres.split(":")[1]) if a.lowres else 0.0
    eye = np.eye(10, dtype=np.float32)
    clock = {"t0": None, "fraction": 0.0, "step": 0}
    base_flip = np.random.default_rng([a.seed, 99]).random(len(x_train)) < 0.5

    def batches():
        epoch = 0
        while True:
            rng = np.random.default_rng([a.seed, epoch])
            order = rng.permutation(len(x_train))
            for start in range(0, len(order) - a.bs + 1, a.bs):
                idx = order[start : start + a.bs]
                xb = x_train[idx]
                flip = base_flip[idx] ^ bool(epoch % 2) if a.alt_flip else True
                xb = _flip_and_crop(xb, rng, a.pad, flip) if a.pad or a.alt_flip else xb
                if clock["fraction"] < low:
                    xb = half_size(xb)
                yield xb, eye[y_train[idx]]
            epoch += 1

    spec = (tf.TensorSpec((None, None, None, 3), tf.uint8), tf.TensorSpec((None, 10), tf.float32))
    ds = tf.data.Dataset.from_generator(batches, output_signature=spec)
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32), y)).prefetch(2)
    steps_per_epoch = len(x_train) // a.bs
    total = int(a.epochs * steps_per_epoch)
    budget = a.budget if a.budget > 0 else float("inf")

    class Schedule(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ema = None

        def on_train_batch_begin(self, batch, logs=None):
            # The clock starts after the first step: tracing it is set-up, not training (the
            # engine counts its budget the same way).
            used = 0.0 if clock["t0"] is None else time.perf_counter() - clock["t0"]
            f = clock["fraction"] = max(batch / total, used / budget)
            peak = a.lr
            if f < a.warm:
                lr = peak * (a.start_lr + (1 - a.start_lr) * f / a.warm)
            else:
                lr = peak * (1 - (1 - a.end_lr) * (f - a.warm) / (1 - a.warm))
            self.model.optimizer.learning_rate = max(lr, 0.0)
            clock["step"] = batch
            if f >= 1:
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            if clock["t0"] is None:
                clock["t0"] = time.perf_counter()
            # airbench's lookahead: every 5 steps, an average that leans more on the past as the
            # run goes on (alpha grows with the cube of the progress), copied back into the net.
            if not a.lookahead or batch % 5:
                return
            weights = self.model.get_weights()
            if self.ema is None:
                self.ema = [w.copy() for w in weights]
                return
            alpha = 0.95**5 * min(clock["fraction"], 1.0) ** 3
            self.ema = [alpha * e + (1 - alpha) * w for e, w in zip(self.ema, weights, strict=True)]
            self.model.set_weights(self.ema)

        def on_train_end(self, logs=None):
            if a.lookahead and self.ema is not None:
                self.model.set_weights(self.ema)

    model.fit(ds, steps_per_epoch=total + 1, epochs=1, verbose=0, callbacks=[Schedule()])
    train_s = time.perf_counter() - clock["t0"]
    t0 = time.perf_counter()
    plain = tta_predict(model, x_test, 0)
    plain_s = time.perf_counter() - t0
    tta = tta_predict(model, x_test, a.tta) if a.tta else plain
    result = {
        "args": vars(a),
        "steps": clock["step"],
        "epochs": round(clock["step"] / steps_per_epoch, 2),
        "train_s": round(train_s, 1),
        "test_s": round(plain_s, 1),
        "test_accuracy": round(float((plain.argmax(1) == y_test).mean()) * 100, 2),
        "test_accuracy_tta": round(float((tta.argmax(1) == y_test).mean()) * 100, 2),
        "params": model.count_params(),
        "loadavg": os.getloadavg()[0],
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
