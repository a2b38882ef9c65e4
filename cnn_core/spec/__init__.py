"""Layer-stack specs: a model as plain JSON, with shapes, sizes and problems worked out by hand.

A :class:`ModelSpec` is a list of layers, each a dict ``{"type": <Keras class name>, ...}`` whose
other keys are that Keras layer's own argument names, e.g.
``{"type": "Conv2D", "filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}``.
It round-trips through JSON exactly, so it can live in session state, in a run folder or in a file.

:func:`summarize` computes every layer's output shape, parameter count, multiply-accumulates and
activation memory **without TensorFlow** (the Build page must stay light), and lists the problems
that would make Keras fail or make the net unable to classify, each explained in pt-BR and English
with a suggested fix. :mod:`cnn_core.model` turns a valid spec into a Keras model with the same
layer names and shapes.

Example:

>>> spec = ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}])
>>> summarize(spec).total_params
30730
"""

from cnn_core.spec.schema import (
    ACTIVATIONS,
    BYTES_PER_VALUE,
    LAYER_TYPES,
    MAX_ACTIVATION_BYTES,
    MAX_CLASSES,
    MAX_PARAMS,
    MEMORY_BATCH_SIZE,
    PROBLEM_CODES,
    ModelSpec,
    Problem,
    SpecError,
    conv_output_size,
    format_number,
    layer_names,
    pool_output_size,
    shape_text,
)
from cnn_core.spec.summary import LayerRow, Summary, summarize, validate

__all__ = [
    "ACTIVATIONS",
    "BYTES_PER_VALUE",
    "LAYER_TYPES",
    "MAX_ACTIVATION_BYTES",
    "MAX_CLASSES",
    "MAX_PARAMS",
    "MEMORY_BATCH_SIZE",
    "PROBLEM_CODES",
    "LayerRow",
    "ModelSpec",
    "Problem",
    "SpecError",
    "Summary",
    "conv_output_size",
    "format_number",
    "layer_names",
    "pool_output_size",
    "shape_text",
    "summarize",
    "validate",
]
