"""What a layer stack computes, worked out by hand (no TensorFlow: the Build page must stay
light): every layer's output shape, weights, multiply-accumulates and activation memory
(:func:`summarize`, a :class:`Summary` of :class:`LayerRow` s), and the problems that would make
Keras fail or the network unable to classify (:func:`validate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core.spec.schema import (
    _ACTIVATION,
    _ACTIVATION_OR_NONE,
    _BOOL,
    _COUNT,
    _FRACTION,
    _KIND_CODES,
    _PADDING,
    _POSITIVE_FLOAT,
    _RATE,
    _REQUIRED,
    _SIZE,
    _SIZE_OR_NONE,
    ACTIVATIONS,
    BYTES_PER_VALUE,
    LAYER_TYPES,
    MAX_ACTIVATION_BYTES,
    MAX_PARAMS,
    MEMORY_BATCH_SIZE,
    PADDINGS,
    ModelSpec,
    Problem,
    _is_int,
    _is_number,
    _pair,
    _problem,
    _short,
    conv_output_size,
    layer_names,
    shape_text,
)

__all__ = ["LayerRow", "Summary", "summarize", "validate"]


@dataclass(frozen=True)
class LayerRow:
    """One layer of a :class:`Summary`.

    Attributes:
        index: 0-based position in ``spec.layers``.
        name: the Keras layer name (see :func:`layer_names`).
        type: the layer type, e.g. ``"Conv2D"``.
        output_shape: shape of one image's output, without the batch axis: ``(H, W, C)`` or
            ``(N,)``. ``None`` where a problem at or before this layer makes it unknown.
        params: number of weights (``None`` when unknown).
        trainable_params: the part of ``params`` that training changes.
        macs: multiply-accumulates per image (conv and dense only; other layers count 0).
        activation_bytes: memory of one image's output as float32 (``None`` when unknown).
    """

    index: int
    name: str
    type: str
    output_shape: tuple | None
    params: int | None
    trainable_params: int | None
    macs: int | None
    activation_bytes: int | None

    @property
    def non_trainable_params(self) -> int | None:
        """Weights that training does not change (BatchNormalization's moving statistics)."""
        if self.params is None or self.trainable_params is None:
            return None
        return self.params - self.trainable_params


@dataclass(frozen=True)
class Summary:
    """What :func:`summarize` found out about a spec.

    Attributes:
        spec: the spec summarized.
        rows: one :class:`LayerRow` per layer.
        input_bytes: memory of one input image as float32 (after rescaling).
        problems: everything wrong (errors first, in stack order).
    """

    spec: ModelSpec
    rows: list[LayerRow]
    input_bytes: int
    problems: list[Problem]

    @property
    def total_params(self) -> int:
        """All weights (unknown layers count 0)."""
        return sum(r.params or 0 for r in self.rows)

    @property
    def trainable_params(self) -> int:
        """Weights that training changes."""
        return sum(r.trainable_params or 0 for r in self.rows)

    @property
    def non_trainable_params(self) -> int:
        """Weights that training does not change."""
        return self.total_params - self.trainable_params

    @property
    def total_macs(self) -> int:
        """Multiply-accumulates for one image's forward pass."""
        return sum(r.macs or 0 for r in self.rows)

    @property
    def activation_bytes(self) -> int:
        """Float32 memory of every layer's output for one image, the input included."""
        return self.input_bytes + sum(r.activation_bytes or 0 for r in self.rows)

    def training_memory_bytes(self, batch_size: int = MEMORY_BATCH_SIZE) -> int:
        """Estimated activation memory while training on batches of ``batch_size`` images."""
        return self.activation_bytes * batch_size

    @property
    def output_shape(self) -> tuple | None:
        """Shape of the model's output (``None`` if unknown or the stack is empty)."""
        return self.rows[-1].output_shape if self.rows else None

    @property
    def errors(self) -> list[Problem]:
        """The problems that block building."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """Advice that does not block building."""
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        """Whether the spec can be built and trained (no errors; warnings allowed)."""
        return not self.errors

    def problems_for(self, index: int) -> list[Problem]:
        """The problems of layer ``index`` (0-based)."""
        return [p for p in self.problems if p.layer_index == index]

    def __repr__(self) -> str:
        def num(v):
            return "?" if v is None else f"{v:,}"

        header = f"{'Layer (type)':<44} {'Output shape':<16} {'Params':>11} {'MACs':>14}"
        rule = "-" * len(header)
        lines = [f"Summary of {self.spec.name!r}", rule, header, rule]
        lines.append(
            f"{'input (InputLayer)':<44} {shape_text(self.spec.input_shape):<16} {0:>11} {0:>14}"
        )
        for r in self.rows:
            label = f"{r.name} ({r.type})"
            lines.append(
                f"{label:<44} {shape_text(r.output_shape):<16} {num(r.params):>11} "
                f"{num(r.macs):>14}"
            )
        lines += [
            rule,
            f"Total params: {self.total_params:,} (trainable {self.trainable_params:,}, "
            f"non-trainable {self.non_trainable_params:,})",
            f"MACs per image: {self.total_macs:,}",
            f"Activations per image: {self.activation_bytes / 2**20:.2f} MB",
        ]
        lines += [f"{p.severity.upper()}: {p.message('en')} {p.fix('en')}" for p in self.problems]
        if not self.problems:
            lines.append("No problems.")
        return "\n".join(lines)


def _check_args(index: int, name: str, layer: dict) -> tuple[dict | None, list[Problem]]:
    """Checks one layer's arguments; returns them with defaults filled in (or None) + problems."""
    ltype = layer["type"]
    schema = LAYER_TYPES.get(ltype)
    if schema is None:
        close = [t for t in LAYER_TYPES if t.lower() == ltype.lower()]
        known = ", ".join(LAYER_TYPES)
        return None, [
            _problem(
                "unknown_type", index, layer=name, type=ltype, known=close[0] if close else known
            )
        ]
    problems = []
    args = {}
    for key, value in layer.items():
        if key == "type":
            continue
        if key not in schema:
            allowed = ", ".join(schema) or "-"
            problems.append(
                _problem("unknown_arg", index, layer=name, type=ltype, arg=key, allowed=allowed)
            )
            continue
        kind = schema[key][0]
        if not _value_ok(kind, value):
            problems.append(
                _problem(_KIND_CODES[kind], index, layer=name, arg=key, value=_short(value))
            )
            continue
        args[key] = value
    for key, (_kind, default) in schema.items():
        if key not in layer:
            if default is _REQUIRED:
                problems.append(_problem("missing_arg", index, layer=name, type=ltype, arg=key))
            else:
                args[key] = default
    return (None if problems else args), problems


def _value_ok(kind: str, value) -> bool:
    if kind == _COUNT:
        return _is_int(value) and value >= 1
    if kind in (_SIZE, _SIZE_OR_NONE):
        if value is None:
            return kind == _SIZE_OR_NONE
        if _is_int(value):
            return value >= 1
        return (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(_is_int(v) and v >= 1 for v in value)
        )
    if kind == _PADDING:
        return value in PADDINGS
    if kind == _ACTIVATION_OR_NONE:
        return value is None or value in ACTIVATIONS
    if kind == _ACTIVATION:
        return value in ACTIVATIONS
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _RATE:
        return _is_number(value) and 0 <= value < 1
    if kind == _FRACTION:
        return _is_number(value) and 0 <= value <= 1
    if kind == _POSITIVE_FLOAT:
        return _is_number(value) and value > 0
    raise AssertionError(kind)


_WINDOWED = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
_NEEDS_IMAGE = (*_WINDOWED, "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten")
_POOLS = ("MaxPooling2D", "AveragePooling2D")


def _prod(shape) -> int:
    return math.prod(shape)


def summarize(spec: ModelSpec, *, batch_size: int = MEMORY_BATCH_SIZE) -> Summary:
    """Works out shapes, weights, compute and memory of every layer, and what is wrong.

    Pure Python (no TensorFlow). Shapes follow Keras exactly, so a spec without errors builds in
    Keras with the same output shapes and parameter counts.

    Args:
        spec: the model to summarize.
        batch_size: training batch size used for the activation-memory cap.

    Returns:
        A :class:`Summary`. From the first layer whose output cannot be worked out (a size below 1,
        a bad argument, a layer in the wrong place) on, rows carry ``None`` shapes and numbers
        instead of made-up ones; the problems say why.
    """
    names = layer_names(spec)
    problems: list[Problem] = []
    rows: list[LayerRow] = []
    shape: tuple | None = tuple(spec.input_shape)
    pools_seen = 0  # downsampling layers so far, to explain where an image got small

    if not spec.layers:
        problems.append(_problem("empty"))

    for i, (name, layer) in enumerate(zip(names, spec.layers, strict=True)):
        ltype = layer["type"]
        args, arg_problems = _check_args(i, name, layer)
        problems += arg_problems
        params = trainable = macs = None
        out: tuple | None = None
        if args is None or shape is None:
            rows.append(LayerRow(i, name, ltype, None, None, None, None, None))
            shape = None
            continue

        flat = len(shape) == 1
        if ltype in _NEEDS_IMAGE and flat:
            if ltype == "Flatten":
                problems.append(_problem("flatten_flat", i, layer=name))
                out, params, trainable, macs = shape, 0, 0, 0
            else:
                problems.append(_problem("needs_image", i, layer=name, type=ltype))
        elif ltype == "Dense" and not flat:
            problems.append(_problem("dense_needs_flat", i, layer=name, shape=shape_text(shape)))
        elif ltype in _WINDOWED:
            out, params, macs, window_problems = _windowed(i, name, ltype, args, shape, pools_seen)
            trainable = params
            problems += window_problems
            if ltype in _POOLS:
                pool = _pair(args["pool_size"])
                strides = pool if args["strides"] is None else _pair(args["strides"])
                if pool == (1, 1) and strides == (1, 1):
                    problems.append(_problem("pool_does_nothing", i, layer=name))
                else:
                    pools_seen += 1
            elif _pair(args["strides"]) != (1, 1):
                pools_seen += 1
        elif ltype == "Flatten":
            out, params, trainable, macs = (_prod(shape),), 0, 0, 0
        elif ltype in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
            out, params, trainable, macs = (shape[-1],), 0, 0, 0
        elif ltype == "Dense":
            units, fan_in = args["units"], shape[0]
            out, macs = (units,), fan_in * units
            params = trainable = fan_in * units + (units if args["use_bias"] else 0)
        elif ltype == "BatchNormalization":
            channels = shape[-1]
            out = shape
            params, trainable, macs = 4 * channels, 2 * channels, 0
        else:  # Dropout, Activation: same shape, no weights
            out, params, trainable, macs = shape, 0, 0, 0

        act_bytes = None if out is None else _prod(out) * BYTES_PER_VALUE
        rows.append(LayerRow(i, name, ltype, out, params, trainable, macs, act_bytes))
        shape = out

    summary = Summary(spec, rows, _prod(spec.input_shape) * BYTES_PER_VALUE, problems)
    problems += _head_problems(spec, summary)
    problems += _resource_problems(summary, batch_size)
    problems.sort(key=lambda p: (not p.is_error, -1 if p.layer_index is None else p.layer_index))
    return summary


def _windowed(i, name, ltype, args, shape, pools_seen):
    """Output shape, params, MACs and problems of a Conv2D or pooling layer (params all train)."""
    is_conv = ltype == "Conv2D"
    window = _pair(args["kernel_size"] if is_conv else args["pool_size"])
    strides = _pair(args["strides"]) if args["strides"] is not None else window
    padding = args["padding"]
    size = tuple(conv_output_size(shape[a], window[a], strides[a], padding) for a in range(2))
    if min(size) < 1:
        problem = _problem(
            "conv_too_small" if is_conv else "pool_too_small",
            i,
            layer=name,
            size=shape_text(shape[:2]),
            window=shape_text(window),
            result=shape_text(size),
            pools=pools_seen,
        )
        return None, None, None, [problem]
    in_c = shape[-1]
    if not is_conv:
        return (*size, in_c), 0, 0, []
    filters = args["filters"]
    out = (*size, filters)
    params = window[0] * window[1] * in_c * filters + (filters if args["use_bias"] else 0)
    return out, params, _prod(out) * window[0] * window[1] * in_c, []


def _head_problems(spec: ModelSpec, summary: Summary) -> list[Problem]:
    """The last layers must turn the features into one score per class."""
    problems = []
    layers, rows = spec.layers, summary.rows
    if not layers:
        return problems
    # Activation layers after the last Dense are part of the head (Dense(10) + Activation).
    last = len(layers) - 1
    while last > 0 and layers[last]["type"] == "Activation":
        last -= 1
    head = layers[last]
    name = rows[last].name
    want = spec.num_classes
    if head["type"] != "Dense":
        problems.append(_problem("last_not_dense", last, layer=name, classes=want))
        return problems
    units = head.get("units")
    if _is_int(units) and units != want:
        problems.append(_problem("wrong_units", last, layer=name, units=units, classes=want))
    final = None
    for layer in layers[last:]:
        act = layer.get("activation")
        if layer["type"] == "Dense" or act not in (None, "linear"):
            final = act
    if final != "softmax":
        problems.append(_problem("no_softmax", last, layer=name, activation=str(final or "linear")))
    return problems


def _resource_problems(summary: Summary, batch_size: int) -> list[Problem]:
    problems = []
    if summary.total_params > MAX_PARAMS:
        problems.append(
            _problem(
                "too_many_params",
                params=summary.total_params,
                cap=MAX_PARAMS,
            )
        )
    memory = summary.training_memory_bytes(batch_size)
    if memory > MAX_ACTIVATION_BYTES:
        # Point at the layer with the biggest output: that is where shrinking helps most.
        biggest = max(summary.rows, key=lambda r: r.activation_bytes or 0)
        problems.append(
            _problem(
                "too_much_memory",
                biggest.index,
                layer=biggest.name,
                mb=round(memory / 2**20),
                cap_mb=round(MAX_ACTIVATION_BYTES / 2**20),
                batch=batch_size,
            )
        )
    return problems


def validate(spec: ModelSpec, *, batch_size: int = MEMORY_BATCH_SIZE) -> list[Problem]:
    """Returns every problem of ``spec`` (errors and warnings); see :func:`summarize`.

    Args:
        spec: the model to check.
        batch_size: training batch size used for the activation-memory cap.

    Returns:
        The problems, errors first. The spec can be built when none has severity ``"error"``.
    """
    return summarize(spec, batch_size=batch_size).problems
