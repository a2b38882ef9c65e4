"""Ready-made layer stacks: the blog's model, LeNet-5 and a fast airbench-style net.

Display names and descriptions are in the catalog: ``spec.preset.<name>.title`` and
``spec.preset.<name>.about``.
"""

from __future__ import annotations

from cnn_core.spec import ModelSpec, SpecError
from cnn_core.spec.schema import _problem

__all__ = ["BLOG_PARAMS", "PRESET_NAMES", "get_preset"]

#: Weights of the blog's model on CIFAR-10 as the post reports them (checked by the tests).
BLOG_PARAMS = 229_834


def _blog(input_shape, num_classes):
    # Exactly the post's stack, mistakes included: the three MaxPooling2D((1, 1)) do nothing, and
    # the Build page says so (a warning), which is part of the lesson.
    def conv(filters, k, **extra):
        return {"type": "Conv2D", "filters": filters, "kernel_size": [k, k], **extra}

    def pool(k):
        return {"type": "MaxPooling2D", "pool_size": [k, k]}

    return [
        conv(128, 3, padding="same", activation="relu"),
        pool(2),
        conv(128, 3, activation="relu"),
        pool(2),
        {"type": "Dropout", "rate": 0.25},
        conv(64, 2, activation="relu"),
        pool(1),
        conv(32, 2, activation="relu"),
        pool(1),
        conv(32, 2, activation="relu"),
        pool(1),
        {"type": "Dropout", "rate": 0.25},
        {"type": "Flatten"},
        {"type": "Dense", "units": 64, "activation": "relu"},
        {"type": "Dense", "units": num_classes, "activation": "softmax"},
    ]


def _lenet(input_shape, num_classes):
    # LeNet-5 read 32x32 images; on 28x28 (MNIST) the first convolution pads, as LeCun padded
    # the digits to 32x32, so the rest of the net sees the same sizes (5x5x16 before Flatten).
    first_padding = "valid" if min(input_shape[:2]) >= 32 else "same"
    return [
        {
            "type": "Conv2D",
            "filters": 6,
            "kernel_size": 5,
            "padding": first_padding,
            "activation": "tanh",
        },
        {"type": "AveragePooling2D", "pool_size": 2},
        {"type": "Conv2D", "filters": 16, "kernel_size": 5, "activation": "tanh"},
        {"type": "AveragePooling2D", "pool_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "units": 120, "activation": "tanh"},
        {"type": "Dense", "units": 84, "activation": "tanh"},
        {"type": "Dense", "units": num_classes, "activation": "softmax"},
    ]


def _fast(input_shape, num_classes, widths=(64, 128, 256)):
    # After Keller Jordan's airbench: a 2x2 first layer whose 24 filters the fast recipe computes
    # from the data (patch whitening, then kept fixed), then stages of
    # conv -> pool -> BN -> activation -> conv -> BN -> activation, widening 64/128/256.
    # Bias-free convolutions because BatchNormalization's beta already adds one per channel.
    # Global pooling keeps the weights independent of the image size, so the recipe can start on
    # half-size images. The measurements behind these choices are in bench/README.md.
    def conv(filters):
        return {
            "type": "Conv2D",
            "filters": filters,
            "kernel_size": 3,
            "padding": "same",
            "use_bias": False,
        }

    def bn_relu():
        # momentum 0.8, not Keras's 0.99: a short run (30 s on a busy 2-core server) may have only
        # a few dozen steps, and the moving statistics used at test time must catch up with the
        # weights within them (with 0.99 a 60-second run scored 10%, one class everywhere).
        return [
            {"type": "BatchNormalization", "momentum": 0.8},
            {"type": "Activation", "activation": "relu"},
        ]

    stem_filters = min(24, 8 * input_shape[-1])  # 2x2 patches: 2*2*channels directions, +/-
    layers = [
        {"type": "Conv2D", "filters": stem_filters, "kernel_size": 2, "activation": "relu"},
    ]
    for width in widths:
        layers += [conv(width), {"type": "MaxPooling2D", "pool_size": 2}, *bn_relu()]
        layers += [conv(width), *bn_relu()]
    layers += [
        {"type": "GlobalMaxPooling2D"},
        {"type": "Dense", "units": num_classes, "activation": "softmax"},
    ]
    return layers


def _fast_small(input_shape, num_classes):
    # The same stack at half the width: a quarter of the multiply-adds per image. Within a short
    # budget on a 2-core CPU more images beat a wider net (30 s on the project machines: 55% vs
    # 40% test accuracy on an AMD EPYC without AVX-512, 74% vs 69% on an Intel with bfloat16), and
    # its test set is scored in a quarter of the time. The quick demo trains it.
    return _fast(input_shape, num_classes, widths=(32, 64, 128))


_BUILDERS = {"blog": _blog, "lenet": _lenet, "fast": _fast, "fast_small": _fast_small}
#: Names accepted by :func:`get_preset`, in the order the Build page offers them.
PRESET_NAMES = tuple(_BUILDERS)


def get_preset(name: str, dataset_input_shape=None, num_classes: int | None = None) -> ModelSpec:
    """Returns a fresh copy of a ready-made model.

    Args:
        name: one of :data:`PRESET_NAMES` (``"blog"``, ``"lenet"``, ``"fast"``,
            ``"fast_small"``).
        dataset_input_shape: ``(height, width, channels)`` of the dataset's images; CIFAR-10's
            ``(32, 32, 3)`` when ``None``. Presets adapt to MNIST's ``(28, 28, 1)``.
        num_classes: number of classes (10 when ``None``).

    Returns:
        A :class:`~cnn_core.spec.ModelSpec` named after the preset.

    Raises:
        SpecError: if ``name`` is not a preset (or the shape or class count is unusable).
    """
    builder = _BUILDERS.get(name)
    if builder is None:
        raise SpecError(_problem("unknown_preset", name=str(name), known=", ".join(PRESET_NAMES)))
    input_shape = tuple(dataset_input_shape) if dataset_input_shape is not None else (32, 32, 3)
    classes = 10 if num_classes is None else num_classes
    ModelSpec([], input_shape=input_shape, num_classes=classes)  # SpecError on a bad shape/count
    return ModelSpec(
        builder(input_shape, classes), input_shape=input_shape, num_classes=classes, name=name
    )
