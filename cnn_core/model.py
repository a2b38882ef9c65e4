"""Turns a :class:`~cnn_core.spec.ModelSpec` into a Keras model, or into Keras code to read.

This module imports Keras (and so TensorFlow) when a function is called; only the pages that
build or train models use it.
"""

from __future__ import annotations

import json
import re
import textwrap

from cnn_core import locales
from cnn_core.spec import (
    LAYER_TYPES,
    ModelSpec,
    SpecError,
    layer_names,
    shape_text,
    summarize,
)

__all__ = ["INPUT_NAME", "RESCALE_NAME", "build_model", "keras_model_name", "to_keras_code"]

#: Name of the model's input and of the layer that maps 0-255 pixels to 0-1.
INPUT_NAME = "input"
RESCALE_NAME = "rescale"

# Arguments written positionally in generated code, as Keras examples do.
_POSITIONAL = {
    "Conv2D": ("filters", "kernel_size"),
    "MaxPooling2D": ("pool_size",),
    "AveragePooling2D": ("pool_size",),
    "Dropout": ("rate",),
    "Dense": ("units",),
    "Activation": ("activation",),
}


def _check(spec: ModelSpec) -> None:
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"expected a ModelSpec, got {type(spec).__name__}")
    errors = summarize(spec).errors
    if errors:
        raise SpecError(errors)


def _keras_value(value):
    # JSON stores pairs as lists; Keras documents them as tuples.
    return tuple(value) if isinstance(value, list) else value


def _layer_kwargs(layer: dict) -> dict:
    schema = LAYER_TYPES[layer["type"]]
    return {k: _keras_value(layer[k]) for k in schema if k in layer}


def keras_model_name(spec: ModelSpec) -> str:
    """The spec's name made safe for Keras (letters, digits, ``_``, ``-``, ``.``)."""
    name = re.sub(r"[^0-9A-Za-z_.-]+", "_", spec.name).strip("_")
    return name or "model"


def build_model(spec: ModelSpec):
    """Builds the Keras model described by ``spec`` (not compiled).

    The model takes images as they are stored, 0-255 (uint8 arrays are fine): the first layer is
    ``Rescaling(1/255, name="rescale")``. Layer names are those of
    :func:`cnn_core.spec.layer_names`, the same as in :func:`cnn_core.spec.summarize`.

    Args:
        spec: the model to build.

    Returns:
        A functional ``keras.Model``.

    Raises:
        SpecError: if the spec has errors (checked before Keras allocates anything).
    """
    _check(spec)
    import keras

    inputs = keras.Input(shape=tuple(spec.input_shape), name=INPUT_NAME)
    x = keras.layers.Rescaling(1 / 255, name=RESCALE_NAME)(inputs)
    for name, layer in zip(layer_names(spec), spec.layers, strict=True):
        cls = getattr(keras.layers, layer["type"])
        x = cls(**_layer_kwargs(layer), name=name)(x)
    return keras.Model(inputs, x, name=keras_model_name(spec))


def _py(value) -> str:
    """Python source for a spec value, in ruff's style (double quotes, tuples for pairs)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_py(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def to_keras_code(spec: ModelSpec, settings=None, lang: str = "en") -> str:
    """Writes Keras 3 code that builds the same model (and, with settings, trains it), to read
    and run.

    Without ``settings`` the code only defines ``model``. With them it is a whole program, as in
    the blog post: ``keras.datasets.<name>.load_data()``, the blog's split (the first
    ``val_size`` training images for validation), the model, ``compile`` with the chosen
    optimizer, learning rate (and schedule) and loss (label smoothing if set), ``fit`` with the
    chosen batch size, epochs and validation data, ``evaluate`` on the test set, and the blog's
    line ``Accuracy: xx.xx% | Loss: x.xxxxx`` printed. ``EPOCHS``, ``BATCH_SIZE`` and
    ``VALIDATION_IMAGES`` are constants at the top, easy to change.

    Args:
        spec: the model to write.
        settings: the training settings (a dict as the Build page keeps them, or an object with
            ``to_dict()``, e.g. ``TrainSettings``); ``None`` writes the model alone. For backward
            compatibility a language code in this position is read as ``lang``.
        lang: language of the comments (``"pt"`` or ``"en"``).

    Returns:
        Python source that imports ``keras`` and defines ``model`` (a ``keras.Sequential``) with
        the same layers, names, shapes and parameter count as :func:`build_model`.

    Raises:
        SpecError: if the spec has errors.
    """
    if isinstance(settings, str):  # the old signature: to_keras_code(spec, "pt")
        settings, lang = None, settings
    _check(spec)
    if settings is not None and not isinstance(settings, dict):
        settings = settings.to_dict()
    model_lines = _model_lines(spec, lang, augment=bool(settings and settings.get("augment")))
    if settings is None:
        return "\n".join(["import keras", "from keras import layers", "", *model_lines, ""])
    return _program(spec, {**_DEFAULT_SETTINGS, **settings}, lang, model_lines)


def _model_lines(spec: ModelSpec, lang: str, *, augment: bool) -> list[str]:
    summary = summarize(spec)
    shape = tuple(spec.input_shape)
    header = locales.t("spec.code.header", lang, shape=shape_text(shape), classes=spec.num_classes)
    lines = [
        f"# {header}",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape={_py(shape)}, name={_py(INPUT_NAME)}),",
        f"        layers.Rescaling(1 / 255, name={_py(RESCALE_NAME)}),"
        f"  # {locales.t('spec.code.rescale', lang)}",
    ]
    if augment:
        lines += [
            f"        # {locales.t('code.augment', lang)}",
            '        layers.RandomFlip("horizontal"),',
            '        layers.RandomTranslation(0.125, 0.125, fill_mode="reflect"),',
        ]
    for row, layer in zip(summary.rows, spec.layers, strict=True):
        kwargs = _layer_kwargs(layer)
        positional = _POSITIONAL.get(layer["type"], ())
        parts = [_py(kwargs.pop(k)) for k in positional if k in kwargs]
        parts += [f"{k}={_py(v)}" for k, v in kwargs.items()]
        parts.append(f"name={_py(row.name)}")
        comment = locales.t(
            "spec.code.row",
            lang,
            shape=shape_text(row.output_shape),
            params=locales.format_number(row.params, lang),
        )
        lines.append(f"        # {comment}")
        lines.append(f"        layers.{layer['type']}({', '.join(parts)}),")
    total = locales.t(
        "spec.code.total", lang, params=locales.format_number(summary.total_params, lang)
    )
    lines += [
        "    ],",
        f"    name={_py(keras_model_name(spec))},",
        ")",
        f"# {total}",
        "model.summary()",
    ]
    return lines


# What a settings dict lacks is the blog's (as cnn_core.design.DEFAULT_SETTINGS).
_DEFAULT_SETTINGS = {
    "dataset": "cifar10",
    "optimizer": "sgd",
    "learning_rate": 0.01,
    "momentum": 0.9,
    "weight_decay": 5e-4,
    "schedule": "constant",
    "batch_size": 32,
    "epochs": 40,
    "time_budget_s": None,
    "train_size": None,
    "val_size": 5000,
    "augment": False,
    "label_smoothing": 0.0,
    "seed": 0,
    "whiten": False,
    "low_res": 0.0,
}
_DATASET_TITLES = {"cifar10": "CIFAR-10", "mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}


def _optimizer_code(settings: dict) -> str:
    # The same optimizers as cnn_core.train.make_optimizer.
    name = settings["optimizer"]
    if name == "sgd":
        return "keras.optimizers.SGD(learning_rate=learning_rate)"
    if name == "sgd_momentum":
        momentum = _py(float(settings["momentum"]))
        return (
            f"keras.optimizers.SGD(learning_rate=learning_rate, momentum={momentum}, nesterov=True)"
        )
    if name == "adam":
        return "keras.optimizers.Adam(learning_rate=learning_rate)"
    decay = _py(float(settings["weight_decay"]))
    return f"keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay={decay})"


def _program(spec: ModelSpec, settings: dict, lang: str, model_lines: list[str]) -> str:
    def say(key: str, **args) -> str:
        return "# " + locales.t(key, lang, **args)

    def num(value, decimals=None) -> str:
        return locales.format_number(value, lang, decimals)

    dataset = settings["dataset"]
    val = int(settings["val_size"] or 0)
    train_size = settings["train_size"]
    lr = float(settings["learning_rate"])
    smoothing = float(settings["label_smoothing"] or 0.0)
    lines = [
        f"# {locales.t('code.title', lang)}",
        f"# {locales.t('code.run', lang)}",
        "import math",
        "",
        "import keras",
        *(["import numpy as np"] if spec.input_shape[-1] == 1 else []),
        "from keras import layers",
        "",
        say("code.settings"),
        f"EPOCHS = {int(settings['epochs'])}",
        f"BATCH_SIZE = {int(settings['batch_size'])}",
        f"LEARNING_RATE = {_py(lr)}",
        f"VALIDATION_IMAGES = {val}",
        f"NUM_CLASSES = {spec.num_classes}",
        "",
        say("code.seed"),
        f"keras.utils.set_random_seed({int(settings['seed'])})",
        "",
        say("code.data", dataset=_DATASET_TITLES.get(dataset, dataset)),
        f"(x_train, y_train), (x_test, y_test) = keras.datasets.{dataset}.load_data()",
        "y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)",
    ]
    if spec.input_shape[-1] == 1:
        lines += [
            say("code.channel"),
            "x_train, x_test = x_train[..., np.newaxis], x_test[..., np.newaxis]",
        ]
    lines.append(say("code.split", count=num(val)) if val else say("code.no_val"))
    lines += [
        "x_val, y_val = x_train[:VALIDATION_IMAGES], y_train[:VALIDATION_IMAGES]",
        "x_train, y_train = x_train[VALIDATION_IMAGES:], y_train[VALIDATION_IMAGES:]",
    ]
    if train_size:
        lines += [
            say("code.train_size", count=num(int(train_size))),
            f"x_train, y_train = x_train[:{int(train_size)}], y_train[:{int(train_size)}]",
        ]
    lines += [
        say("code.one_hot"),
        "y_train = keras.utils.to_categorical(y_train, NUM_CLASSES)",
        "y_val = keras.utils.to_categorical(y_val, NUM_CLASSES)",
        "y_test = keras.utils.to_categorical(y_test, NUM_CLASSES)",
        "",
        say("code.model"),
        *model_lines,
        "",
        say("code.learn"),
    ]
    schedule = settings["schedule"]
    steps = "EPOCHS * math.ceil(len(x_train) / BATCH_SIZE)"
    if schedule == "cosine":
        lines += [
            say("code.schedule.cosine", lr=num(lr)),
            "learning_rate = keras.optimizers.schedules.CosineDecay(",
            f"    LEARNING_RATE, decay_steps={steps}",
            ")",
        ]
    elif schedule == "onecycle":
        lines += [
            say("code.schedule.onecycle", low=num(lr / 10), lr=num(lr)),
            f"total_steps = {steps}",
            "learning_rate = keras.optimizers.schedules.CosineDecay(",
            "    LEARNING_RATE / 10,",
            "    decay_steps=total_steps - total_steps // 4,",
            "    warmup_target=LEARNING_RATE,",
            "    warmup_steps=total_steps // 4,",
            ")",
        ]
    else:
        lines.append("learning_rate = LEARNING_RATE")
    if smoothing:
        lines.append(say("code.smoothing", share=locales.format_percent(smoothing, lang, 0)))
    lines += [
        "model.compile(",
        f"    optimizer={_optimizer_code(settings)},",
        f"    loss=keras.losses.CategoricalCrossentropy(label_smoothing={_py(smoothing)}),",
        '    metrics=["accuracy"],',
        ")",
        "",
        say(
            "code.fit", epochs=num(int(settings["epochs"])), batch=num(int(settings["batch_size"]))
        ),
    ]
    if settings["time_budget_s"]:
        minutes = num(float(settings["time_budget_s"]) / 60, 0)
        lines.append(say("code.budget", minutes=minutes))
    extras = [
        locales.t(f"code.app_only.{name}", lang)
        for name in ("whiten", "low_res")
        if settings.get(name)
    ]
    if extras:
        lines.append(say("code.app_only", what="; ".join(extras)))
    lines += [
        "history = model.fit(",
        "    x_train,",
        "    y_train,",
        "    batch_size=BATCH_SIZE,",
        "    epochs=EPOCHS,",
        "    validation_data=(x_val, y_val) if len(x_val) else None,",
        ")",
        "",
        say("code.test"),
        "loss, accuracy = model.evaluate(x_test, y_test, verbose=0)",
        'print(f"Accuracy: {accuracy * 100:.2f}% | Loss: {loss:.5f}")',
        "",
    ]
    return "\n".join(_wrap_comment(line) for line in lines)


def _wrap_comment(line: str, width: int = 99) -> str:
    """Splits a long comment line into several, at the same indent (code lines stay)."""
    body = line.lstrip()
    if len(line) <= width or not body.startswith("# "):
        return line
    indent = line[: len(line) - len(body)] + "# "
    return "\n".join(
        textwrap.wrap(body[2:], width, initial_indent=indent, subsequent_indent=indent)
    )
