"""Turns a :class:`~cnn_core.spec.ModelSpec` into a Keras model, or into Keras code to read.

This module imports Keras (and so TensorFlow) when a function is called; only the pages that
build or train models use it.
"""

from __future__ import annotations

import json
import re

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


def to_keras_code(spec: ModelSpec, lang: str = "en") -> str:
    """Writes Keras 3 code that builds the same model, for people to read and run.

    Args:
        spec: the model to write.
        lang: language of the comments (``"pt"`` or ``"en"``).

    Returns:
        Python source that imports ``keras`` and defines ``model`` (a ``keras.Sequential``) with
        the same layers, names, shapes and parameter count as :func:`build_model`.

    Raises:
        SpecError: if the spec has errors.
    """
    _check(spec)
    summary = summarize(spec)
    shape = tuple(spec.input_shape)

    header = locales.t("spec.code.header", lang, shape=shape_text(shape), classes=spec.num_classes)
    lines = [
        "import keras",
        "from keras import layers",
        "",
        f"# {header}",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape={_py(shape)}, name={_py(INPUT_NAME)}),",
        f"        layers.Rescaling(1 / 255, name={_py(RESCALE_NAME)}),"
        f"  # {locales.t('spec.code.rescale', lang)}",
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
        "",
    ]
    return "\n".join(lines)
