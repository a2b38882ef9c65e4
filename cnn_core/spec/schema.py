"""The layer-stack spec itself: :class:`ModelSpec` (a model as plain JSON), the layers and
arguments it accepts, the problems it can report (:class:`Problem`, :class:`SpecError`) and the
size arithmetic of windows (:func:`conv_output_size`, :func:`pool_output_size`).

What a stack computes, layer by layer, is :mod:`cnn_core.spec.summary`. Import both from
:mod:`cnn_core.spec`.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from cnn_core import locales
from cnn_core.locales import format_number  # part of this module's API before it moved

__all__ = [
    "ACTIVATIONS",
    "LAYER_TYPES",
    "MAX_ACTIVATION_BYTES",
    "MAX_CLASSES",
    "MAX_PARAMS",
    "MEMORY_BATCH_SIZE",
    "PROBLEM_CODES",
    "ModelSpec",
    "Problem",
    "SpecError",
    "conv_output_size",
    "format_number",
    "layer_names",
    "pool_output_size",
    "shape_text",
]

# Resource caps, checked before Keras allocates anything. The app runs on a ~2.7 GB host where
# TensorFlow alone takes ~640 MB and CIFAR-10 as float32 another ~700 MB during training.
#: Largest parameter count accepted (20M float32 weights = 80 MB; with gradients and two Adam
#: slots ~320 MB).
MAX_PARAMS = 20_000_000
#: Most classes a spec may score. The datasets here have 10; a crafted design with 40,000 would
#: cost a 40,000 x 40,000 confusion matrix (~12 GB) at the end of its run.
MAX_CLASSES = 1000
#: Training batch size used to estimate activation memory (the blog's batch size).
MEMORY_BATCH_SIZE = 32
#: Largest activation memory accepted for one training batch: the per-image float32 activations of
#: every layer (input included) times ``MEMORY_BATCH_SIZE``. Backpropagation keeps all of them.
MAX_ACTIVATION_BYTES = 600 * 2**20
#: Bytes per activation value (float32).
BYTES_PER_VALUE = 4

#: Activation names accepted wherever Keras takes ``activation=`` (all are valid Keras 3 names).
ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "mish",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "softplus",
    "softsign",
    "exponential",
    "linear",
)
PADDINGS = ("valid", "same")

# Argument kinds: how a value is checked and described to the learner.
_COUNT = "count"  # int >= 1
_SIZE = "size"  # int >= 1 or a pair of them
_SIZE_OR_NONE = "size_or_none"
_PADDING = "padding"
_ACTIVATION_OR_NONE = "activation_or_none"
_ACTIVATION = "activation"
_BOOL = "bool"
_RATE = "rate"  # float in [0, 1)
_FRACTION = "fraction"  # float in [0, 1]
_POSITIVE_FLOAT = "positive_float"

_REQUIRED = object()

#: For each supported layer type: argument name -> (kind, default). Order is the order used when
#: writing Keras code. Defaults are Keras's own.
LAYER_TYPES: dict[str, dict[str, tuple[str, Any]]] = {
    "Conv2D": {
        "filters": (_COUNT, _REQUIRED),
        "kernel_size": (_SIZE, _REQUIRED),
        "strides": (_SIZE, 1),
        "padding": (_PADDING, "valid"),
        "activation": (_ACTIVATION_OR_NONE, None),
        "use_bias": (_BOOL, True),
    },
    "MaxPooling2D": {
        "pool_size": (_SIZE, 2),
        "strides": (_SIZE_OR_NONE, None),
        "padding": (_PADDING, "valid"),
    },
    "AveragePooling2D": {
        "pool_size": (_SIZE, _REQUIRED),  # Keras 3 gives MaxPooling2D a default, not this one
        "strides": (_SIZE_OR_NONE, None),
        "padding": (_PADDING, "valid"),
    },
    "BatchNormalization": {
        "momentum": (_FRACTION, 0.99),
        "epsilon": (_POSITIVE_FLOAT, 1e-3),
    },
    "Dropout": {"rate": (_RATE, _REQUIRED)},
    "Flatten": {},
    "GlobalAveragePooling2D": {},
    "GlobalMaxPooling2D": {},
    "Dense": {
        "units": (_COUNT, _REQUIRED),
        "activation": (_ACTIVATION_OR_NONE, None),
        "use_bias": (_BOOL, True),
    },
    "Activation": {"activation": (_ACTIVATION, _REQUIRED)},
}

_KIND_CODES = {
    _COUNT: "not_count",
    _SIZE: "not_size",
    _SIZE_OR_NONE: "not_size",
    _PADDING: "bad_padding",
    _ACTIVATION_OR_NONE: "bad_activation",
    _ACTIVATION: "bad_activation",
    _BOOL: "not_bool",
    _RATE: "bad_rate",
    _FRACTION: "bad_fraction",
    _POSITIVE_FLOAT: "not_positive_float",
}

#: Every problem code :func:`summarize` or the spec parser can report, with its severity.
#: The catalog has ``spec.problem.<code>`` and ``spec.fix.<code>`` for each, in both languages.
PROBLEM_CODES: dict[str, str] = {
    # The spec itself (raised as SpecError by the parser).
    "bad_json": "error",
    "not_object": "error",
    "unknown_spec_key": "error",
    "layers_not_list": "error",
    "layer_not_object": "error",
    "missing_type": "error",
    "bad_input_shape": "error",
    "bad_num_classes": "error",
    "bad_name": "error",
    "unknown_preset": "error",
    # One layer's arguments.
    "unknown_type": "error",
    "unknown_arg": "error",
    "missing_arg": "error",
    "not_count": "error",
    "not_size": "error",
    "bad_padding": "error",
    "bad_activation": "error",
    "not_bool": "error",
    "bad_rate": "error",
    "bad_fraction": "error",
    "not_positive_float": "error",
    # Shapes along the stack.
    "empty": "error",
    "conv_too_small": "error",
    "pool_too_small": "error",
    "dense_needs_flat": "error",
    "needs_image": "error",
    "flatten_flat": "warning",
    "pool_does_nothing": "warning",
    # The classifier head.
    "last_not_dense": "error",
    "wrong_units": "error",
    "no_softmax": "warning",
    # Resources.
    "too_many_params": "error",
    "too_much_memory": "error",
}

_SPEC_KEYS = ("name", "input_shape", "num_classes", "layers")


def _problem_text(code: str, part: str, lang: str, args: dict) -> str:
    shown = {k: format_number(v, lang) if _is_int(v) else v for k, v in args.items()}
    return locales.t(f"spec.{part}.{code}", lang, **shown)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, explained for a learner.

    Attributes:
        layer_index: 0-based position in ``spec.layers`` of the layer concerned, or ``None`` when
            the problem is about the whole spec.
        code: key of the problem (see :data:`PROBLEM_CODES`).
        args: values the explanation mentions (layer name, sizes, ...), JSON-friendly.
        severity: ``"error"`` (blocks building and training) or ``"warning"`` (advice only).
    """

    layer_index: int | None
    code: str
    args: dict = field(default_factory=dict)
    severity: str = "error"

    def __hash__(self) -> int:
        # ``args`` is a dict, so the generated hash would fail; problems go in sets for diffing.
        return hash(
            (self.layer_index, self.code, self.severity, json.dumps(self.args, default=str))
        )

    @property
    def is_error(self) -> bool:
        """Whether this problem blocks building the model."""
        return self.severity == "error"

    def message(self, lang: str) -> str:
        """Says what is wrong, in ``lang`` (``"pt"`` or ``"en"``)."""
        return _problem_text(self.code, "problem", lang, self.args)

    def fix(self, lang: str) -> str:
        """Suggests how to fix it, in ``lang`` (``"pt"`` or ``"en"``)."""
        return _problem_text(self.code, "fix", lang, self.args)

    def __repr__(self) -> str:
        where = "spec" if self.layer_index is None else f"layer {self.layer_index}"
        return f"<Problem {self.severity} {self.code} at {where}: {self.message('en')}>"


def _problem(code: str, layer_index: int | None = None, **args) -> Problem:
    return Problem(layer_index, code, args, PROBLEM_CODES[code])


class SpecError(ValueError):
    """A spec that cannot be read or built.

    Attributes:
        problems: the :class:`Problem` list that explains why (errors only, at least one).
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """All problems as text in ``lang``, one per line, each followed by its fix."""
        return "\n".join(f"{p.message(lang)} {p.fix(lang)}" for p in self.problems)


# --------------------------------------------------------------------------------------------
# Shape arithmetic, in one place (Keras semantics, as in keras/src/ops/operation_utils.py).


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Length of one spatial axis after a convolution or pooling window slides along it.

    Args:
        size: input length (pixels).
        kernel: window length.
        stride: step between windows.
        padding: ``"valid"`` (no padding: only windows that fit) or ``"same"`` (zero-pad so the
            output is ``ceil(size / stride)`` long).

    Returns:
        The output length. With ``"valid"`` it can be 0 or negative when the window does not fit;
        callers report that as a problem.

    Example: a 5x5 filter with stride 2 on 32 pixels gives ``(32 - 5) // 2 + 1 = 14``, not 28.
    """
    if padding == "same":
        return -(-size // stride)
    # floor((n - k) / s) + 1; Python's // floors negatives too, so too-small inputs stay < 1.
    return (size - kernel) // stride + 1


def pool_output_size(size: int, pool: int, stride: int | None = None, padding: str = "valid"):
    """Like :func:`conv_output_size` with Keras's pooling default ``strides = pool_size``."""
    return conv_output_size(size, pool, pool if stride is None else stride, padding)


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def _snake(type_name: str) -> str:
    # Keras's own naming (keras.src.utils.naming.to_snake_case): Conv2D -> conv2d,
    # MaxPooling2D -> max_pooling2d.
    text = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", str(type_name))
    text = re.sub(r"([a-z])([A-Z])", r"\1_\2", text).lower()
    text = re.sub(r"[^a-z0-9_]+", "_", text).strip("_")
    return text or "layer"


def layer_names(spec: ModelSpec) -> list[str]:
    """Stable, readable names for the layers: ``conv2d_1``, ``max_pooling2d_1``, ``dense_2``.

    Layers are numbered per type, from 1, in stack order. :func:`summarize` and
    :func:`cnn_core.model.build_model` use the same names, so feature maps and problems can be
    matched to rows of the summary.
    """
    counts: dict[str, int] = {}
    names = []
    for layer in spec.layers:
        base = _snake(layer.get("type", "layer"))
        counts[base] = counts.get(base, 0) + 1
        names.append(f"{base}_{counts[base]}")
    return names


# --------------------------------------------------------------------------------------------
# The spec.


def _jsonish(value):
    # Tuples become lists so that a spec equals itself after a JSON round trip.
    if isinstance(value, tuple | list):
        return [_jsonish(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonish(v) for k, v in value.items()}
    return copy.deepcopy(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(eq=True)
class ModelSpec:
    """A CNN as a plain, JSON-serialisable layer stack.

    Args:
        layers: list of dicts ``{"type": <Keras layer class name>, <Keras argument>: value, ...}``.
            Supported types and arguments: :data:`LAYER_TYPES`. Pairs may be given as tuples;
            they are stored as lists (as JSON would).
        input_shape: ``(height, width, channels)`` of the images.
        num_classes: number of classes the last layer must score.
        name: a label for people (any text).

    Raises:
        SpecError: if the structure is unusable (layers not a list of dicts with a string
            ``"type"``, a bad input shape, class count or name). Problems *inside* layers
            (unknown arguments, sizes that do not fit) are reported by :func:`validate` instead,
            so a half-edited stack can still be summarized.
    """

    layers: list[dict]
    input_shape: tuple[int, int, int] = (32, 32, 3)
    num_classes: int = 10
    name: str = "custom"

    def __post_init__(self):
        problems = []
        if not isinstance(self.layers, list | tuple):
            problems.append(_problem("layers_not_list", found=type(self.layers).__name__))
            layers = []
        else:
            layers = list(self.layers)
        clean = []
        for i, layer in enumerate(layers):
            if not isinstance(layer, dict):
                problems.append(_problem("layer_not_object", i, position=i + 1))
            elif not isinstance(layer.get("type"), str) or not layer["type"]:
                problems.append(_problem("missing_type", i, position=i + 1))
            else:
                clean.append(_jsonish(layer))
        shape = self.input_shape
        if (
            not isinstance(shape, list | tuple)
            or len(shape) != 3
            or not all(_is_int(v) and v >= 1 for v in shape)
        ):
            problems.append(_problem("bad_input_shape", value=_short(shape)))
        if not _is_int(self.num_classes) or not 2 <= self.num_classes <= MAX_CLASSES:
            problems.append(
                _problem("bad_num_classes", value=_short(self.num_classes), most=MAX_CLASSES)
            )
        if not isinstance(self.name, str):
            problems.append(_problem("bad_name", value=_short(self.name)))
        if problems:
            raise SpecError(problems)
        self.layers = clean
        self.input_shape = tuple(shape)

    # -- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Returns a JSON-ready dict (a deep copy): name, input_shape, num_classes, layers."""
        return {
            "name": self.name,
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
            "layers": _jsonish(self.layers),
        }

    @classmethod
    def from_dict(cls, data) -> ModelSpec:
        """Reads a dict made by :meth:`to_dict` (or by hand).

        Raises:
            SpecError: if ``data`` is not such a dict (see the class docstring).
        """
        if not isinstance(data, dict):
            raise SpecError(_problem("not_object", found=type(data).__name__))
        unknown = [k for k in data if k not in _SPEC_KEYS]
        if unknown:
            raise SpecError(
                _problem("unknown_spec_key", key=str(unknown[0]), allowed=", ".join(_SPEC_KEYS))
            )
        if "layers" not in data:
            raise SpecError(_problem("layers_not_list", found="-"))
        kwargs = {k: data[k] for k in _SPEC_KEYS if k in data}
        return cls(**kwargs)

    def to_json(self, indent: int | None = 2) -> str:
        """Returns the spec as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelSpec:
        """Reads JSON text made by :meth:`to_json`.

        Raises:
            SpecError: on invalid JSON or a bad structure, never a bare exception.
        """
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as err:  # JSONDecodeError and UnicodeDecodeError
            # Python's own wording is English-only; where the text breaks is what helps.
            line, column = getattr(err, "lineno", 1), getattr(err, "colno", 1)
            raise SpecError(_problem("bad_json", line=line, column=column)) from None
        return cls.from_dict(data)

    def replace(self, **changes) -> ModelSpec:
        """Returns a copy with some fields changed (``layers``, ``input_shape``, ...)."""
        data = self.to_dict()
        data.update({k: _jsonish(v) for k, v in changes.items()})
        return ModelSpec.from_dict(data)

    def __repr__(self) -> str:
        lines = [
            f"ModelSpec {self.name!r}: input {shape_text(self.input_shape)}, "
            f"{self.num_classes} classes, {len(self.layers)} layers"
        ]
        for name, layer in zip(layer_names(self), self.layers, strict=True):
            args = ", ".join(f"{k}={v!r}" for k, v in layer.items() if k != "type")
            lines.append(f"  {name:<28} {layer['type']}({args})")
        return "\n".join(lines)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def shape_text(shape) -> str:
    """Writes a shape as Keras users read it: ``(14, 14, 128)`` -> ``"14x14x128"``.

    Args:
        shape: a tuple of sizes (no batch axis); ``None`` for a size or the whole shape means
            unknown.

    Returns:
        The sizes joined by ``x``, with ``?`` for anything unknown.
    """
    if shape is None:
        return "?"
    return "x".join("?" if v is None else str(v) for v in shape)
