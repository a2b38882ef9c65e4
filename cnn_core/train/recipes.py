"""The fast recipe's network-side parts: its checks, the whitened first layer, half-size twins
and BatchNormalization settling."""

from __future__ import annotations

import numpy as np

from cnn_core.spec import ModelSpec, SpecError
from cnn_core.train.errors import RecipeError
from cnn_core.train.settings import TrainSettings

__all__ = [
    "SETTLE_BATCHES",
    "any_size_twin",
    "check_recipe",
    "settle_batchnorm",
    "whiten_first_layer",
]

#: A run with a half-size start that saw fewer full-size batches than this (stopped early, say)
#: has its BatchNormalization statistics re-measured on full-size images before the test.
SETTLE_BATCHES = 20


def check_recipe(spec: ModelSpec, settings: TrainSettings) -> None:
    """Checks that ``spec`` can be trained with ``settings.whiten`` and ``settings.low_res``.

    Args:
        spec: the model design.
        settings: the training settings.

    Raises:
        RecipeError: ``train.error.whiten_not_conv`` / ``train.error.whiten_filters`` when the
            first layer is not a ``Conv2D`` with at most ``2 x height x width x channels``
            filters; ``train.error.low_res`` when half-size images do not fit the network or
            would need other weights (``Flatten``).
    """
    from cnn_core.spec import summarize
    from cnn_core.whiten import max_whitening_filters

    if settings.whiten:
        first = spec.layers[0] if spec.layers else {}
        if first.get("type") != "Conv2D":
            raise RecipeError("train.error.whiten_not_conv")
        size = first["kernel_size"]
        size = [size, size] if isinstance(size, int) else list(size)
        most = max_whitening_filters(size, spec.input_shape[-1])
        if first["filters"] > most:
            kernel = "x".join(str(v) for v in size)
            raise RecipeError(
                "train.error.whiten_filters", filters=first["filters"], most=most, kernel=kernel
            )
    if settings.low_res > 0:
        h, w, c = spec.input_shape
        full = summarize(spec)
        try:
            smaller = ModelSpec(
                spec.layers, input_shape=(h // 2, w // 2, c), num_classes=spec.num_classes
            )
            half = summarize(smaller)
        except SpecError:
            half = None
        if half is None or half.errors or half.total_params != full.total_params:
            raise RecipeError("train.error.low_res", size=f"{h // 2}x{w // 2}")


def whiten_first_layer(model, spec: ModelSpec, x: np.ndarray) -> None:
    """Sets the first layer's filters by patch whitening of ``x`` and freezes them."""
    from cnn_core.spec import layer_names
    from cnn_core.whiten import whitening_filters

    layer = model.get_layer(layer_names(spec)[0])
    kernel, bias = whitening_filters(x, layer.kernel_size, layer.filters)
    layer.set_weights([kernel, bias] if layer.use_bias else [kernel])
    # Frozen: the point is that these filters are right from the first step.
    layer.trainable = False


def any_size_twin(model):
    """The same layers (the same weights) behind an input of any height and width.

    Keras checks concrete shapes against the model's input when predicting, so half-size images
    need a twin; the layer stacks here are linear, so chaining the layers rebuilds the model.
    """
    import keras

    inputs = keras.Input((None, None, model.input_shape[-1]), name="any_size")
    h = inputs
    for layer in model.layers[1:]:
        h = layer(h)
    return keras.Model(inputs, h, name=f"{model.name}_any_size")


def settle_batchnorm(
    model, x: np.ndarray, *, batch_size: int = 256, batches: int = SETTLE_BATCHES, seed: int = 0
) -> bool:
    """Re-measures the moving statistics of every ``BatchNormalization`` layer on ``x``.

    Passes ``batches`` random batches of ``x`` through the model in training mode, which updates
    the moving means and variances and nothing else (no optimizer step). Used after a run that
    ended while still on half-size images: their statistics differ from full-size ones.

    Args:
        model: a Keras model (taking images as stored, 0-255).
        x: training images at the size the model will be tested on.
        batch_size: images per batch.
        batches: how many batches.
        seed: seed for picking the images.

    Returns:
        Whether the model had BatchNormalization layers to settle.
    """
    import keras
    import tensorflow as tf

    if not any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers):
        return False
    # A graph, not eager calls: TensorFlow's graph optimizations (oneDNN's fused kernels) apply
    # only there, which made settling ~1.5x faster here, tracing included (3.6-4.0 s -> 2.6 s
    # for the fast preset's 20 batches of 128).
    forward = tf.function(lambda images: model(images, training=True))
    rng = np.random.default_rng(seed)
    size = min(batch_size, len(x))
    for _ in range(batches):
        idx = np.sort(rng.choice(len(x), size, replace=False))
        forward(tf.constant(x[idx], dtype=tf.float32))
    return True
