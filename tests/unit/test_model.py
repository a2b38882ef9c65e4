"""cnn_core.model and the no-TF arithmetic of cnn_core.spec, checked against real Keras."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cnn_core.model import RESCALE_NAME, build_model, to_keras_code
from cnn_core.presets import PRESET_NAMES, get_preset
from cnn_core.spec import ModelSpec, SpecError, summarize, validate

keras = pytest.importorskip("keras")

SHAPES = [(32, 32, 3), (28, 28, 1)]
# Small odd images too, so that random stacks often shrink them below 1 pixel.
RANDOM_SHAPES = [*SHAPES, (9, 9, 2), (6, 11, 1)]
SHAPE_ERRORS = {"conv_too_small", "pool_too_small"}
# Shrinking a failure would rebuild Keras models for minutes; the unshrunk example is printed.
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
FEW = settings(
    max_examples=30,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True)
def _fresh_keras():
    # Layer names are explicit, but Keras's global state (name counters, graphs) still grows.
    keras.backend.clear_session(free_memory=False)


def hand_macs(layer) -> int:
    """Multiply-accumulates of one Keras layer for one image, from its own config and shapes."""
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw = layer.kernel_size
        return math.prod(layer.output.shape[1:]) * kh * kw * layer.input.shape[-1]
    if isinstance(layer, keras.layers.Dense):
        return layer.input.shape[-1] * layer.units
    return 0


def assert_matches_keras(spec: ModelSpec, model) -> None:
    summary = summarize(spec)
    assert summary.ok
    layers = {layer.name: layer for layer in model.layers}
    assert next(layer.name for layer in model.layers if layer.name != "input") == RESCALE_NAME
    assert [layer.name for layer in model.layers][-len(summary.rows) :] == [
        r.name for r in summary.rows
    ]
    for row in summary.rows:
        layer = layers[row.name]
        assert type(layer).__name__ == row.type
        assert tuple(layer.output.shape[1:]) == row.output_shape, row.name
        assert layer.count_params() == row.params, row.name
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
        assert trainable == row.trainable_params, row.name
        assert hand_macs(layer) == row.macs, row.name
        assert math.prod(layer.output.shape[1:]) * 4 == row.activation_bytes
    assert model.count_params() == summary.total_params
    assert tuple(model.outputs[0].shape[1:]) == summary.output_shape


def raw_keras(spec: ModelSpec):
    """Builds the layer stack straight from the dicts, without validation (to see Keras fail)."""
    x = inputs = keras.Input(shape=spec.input_shape)
    for layer in spec.layers:
        kwargs = {
            k: tuple(v) if isinstance(v, list) else v for k, v in layer.items() if k != "type"
        }
        x = getattr(keras.layers, layer["type"])(**kwargs)(x)
    return keras.Model(inputs, x)


# ---- Random stacks ------------------------------------------------------------------------------

sizes = st.integers(1, 4) | st.lists(st.integers(1, 4), min_size=2, max_size=2)
activations = st.sampled_from([None, "relu", "tanh", "sigmoid", "gelu", "linear", "softmax"])


@st.composite
def feature_layer(draw) -> dict:
    kind = draw(st.sampled_from(["conv", "conv", "max", "avg", "bn", "dropout", "activation"]))
    if kind == "conv":
        layer = {"type": "Conv2D", "filters": draw(st.integers(1, 6)), "kernel_size": draw(sizes)}
        for key, values in [
            ("strides", st.integers(1, 3) | st.lists(st.integers(1, 3), min_size=2, max_size=2)),
            ("padding", st.sampled_from(["valid", "same"])),
            ("activation", activations),
            ("use_bias", st.booleans()),
        ]:
            if draw(st.booleans()):
                layer[key] = draw(values)
        return layer
    if kind in ("max", "avg"):
        layer = {"type": "MaxPooling2D" if kind == "max" else "AveragePooling2D"}
        if kind == "avg" or draw(st.booleans()):  # AveragePooling2D has no default size
            layer["pool_size"] = draw(sizes)
        if draw(st.booleans()):
            layer["strides"] = draw(st.none() | sizes)
        if draw(st.booleans()):
            layer["padding"] = draw(st.sampled_from(["valid", "same"]))
        return layer
    if kind == "bn":
        return {"type": "BatchNormalization"}
    if kind == "dropout":
        return {"type": "Dropout", "rate": draw(st.floats(0, 0.9))}
    return {"type": "Activation", "activation": draw(activations.filter(bool))}


@st.composite
def stacks(draw) -> ModelSpec:
    """Random conv/pool/BN/dropout/activation stacks, then Flatten or global pooling, then Dense."""
    layers = draw(st.lists(feature_layer(), min_size=1, max_size=6))
    layers.append(
        {"type": draw(st.sampled_from(["Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D"]))}
    )
    for _ in range(draw(st.integers(0, 2))):
        layers.append({"type": "Dense", "units": draw(st.integers(1, 12))})
        if draw(st.booleans()):
            layers.append({"type": "Dropout", "rate": 0.5})
    layers.append({"type": "Dense", "units": 10, "activation": draw(activations)})
    return ModelSpec(layers, input_shape=draw(st.sampled_from(RANDOM_SHAPES)), name="random stack")


@FEW
@given(spec=stacks())
def test_random_stacks_match_keras_or_fail_like_keras(spec):
    summary = summarize(spec)
    errors = {p.code for p in summary.errors}
    assert errors <= SHAPE_ERRORS, summary.errors
    keras.backend.clear_session(free_memory=False)
    if summary.ok:
        assert_matches_keras(spec, build_model(spec))
    else:
        # The summary says a size drops below 1: Keras must refuse the same stack.
        with pytest.raises(ValueError):
            raw_keras(spec)
        with pytest.raises(SpecError):
            build_model(spec)


@st.composite
def broken(draw) -> tuple[ModelSpec, str]:
    """A valid random stack with one mistake, and the problem code the mistake should raise."""
    spec = draw(stacks().filter(lambda s: summarize(s).ok))
    layers = [dict(layer) for layer in spec.layers]
    head = next(i for i, layer in enumerate(layers) if layer["type"] in _HEADS)
    where = draw(st.integers(0, head))  # a position among the image layers
    mistake = draw(st.sampled_from(sorted(_MISTAKES)))
    code = _MISTAKES[mistake](draw, layers, head, where)
    return spec.replace(layers=layers), code


_HEADS = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D")


def _bad_count(draw, layers, head, where):
    layers[-1]["units"] = draw(st.sampled_from([0, -3, 2.5, "10", True, None]))
    return "not_count"


def _bad_filters(draw, layers, head, where):
    layers.insert(
        where,
        {"type": "Conv2D", "filters": draw(st.sampled_from([0, -1, 4.0, "8"])), "kernel_size": 1},
    )
    return "not_count"


def _bad_size(draw, layers, head, where):
    key, value = draw(
        st.sampled_from(
            [("kernel_size", 0), ("kernel_size", [3]), ("strides", -1), ("kernel_size", "3")]
        )
    )
    layers.insert(where, {"type": "Conv2D", "filters": 2, "kernel_size": 1, key: value})
    return "not_size"


def _bad_pool(draw, layers, head, where):
    layers.insert(
        where, {"type": "MaxPooling2D", "pool_size": draw(st.sampled_from([0, [2, 0], 1.5]))}
    )
    return "not_size"


def _bad_rate(draw, layers, head, where):
    layers.insert(
        where, {"type": "Dropout", "rate": draw(st.sampled_from([1.0, 1.5, -0.2, "0.3"]))}
    )
    return "bad_rate"


def _unknown_arg(draw, layers, head, where):
    layers[where]["kernel_regularizer"] = "l2"
    return "unknown_arg"


def _unknown_type(draw, layers, head, where):
    layers.insert(where, {"type": draw(st.sampled_from(["Conv3D", "conv2d", "ReLU", "Reshape"]))})
    return "unknown_type"


def _no_flatten(draw, layers, head, where):
    del layers[head]
    return "dense_needs_flat"


def _image_layer_after_flatten(draw, layers, head, where):
    layers.insert(
        head + 1,
        draw(
            st.sampled_from(
                [
                    {"type": "Conv2D", "filters": 2, "kernel_size": 1},
                    {"type": "MaxPooling2D"},
                    {"type": "GlobalAveragePooling2D"},
                ]
            )
        ),
    )
    return "needs_image"


def _wrong_units(draw, layers, head, where):
    layers[-1]["units"] = draw(st.sampled_from([1, 2, 9, 11, 100]))
    return "wrong_units"


def _huge_kernel(draw, layers, head, where):
    layers.insert(head, {"type": "Conv2D", "filters": 2, "kernel_size": 40})
    return "conv_too_small"


def _bad_padding(draw, layers, head, where):
    layers.insert(
        where,
        {
            "type": "AveragePooling2D",
            "pool_size": 2,
            "padding": draw(st.sampled_from(["full", "SAME", None])),
        },
    )
    return "bad_padding"


def _bad_activation(draw, layers, head, where):
    layers.insert(
        where,
        {"type": "Activation", "activation": draw(st.sampled_from(["ReLU", "step", None, 1]))},
    )
    return "bad_activation"


def _ends_badly(draw, layers, head, where):
    layers.append(
        draw(st.sampled_from([{"type": "Dropout", "rate": 0.2}, {"type": "BatchNormalization"}]))
    )
    return "last_not_dense"


_MISTAKES = {
    f.__name__: f
    for f in (
        _bad_count,
        _bad_filters,
        _bad_size,
        _bad_pool,
        _bad_rate,
        _unknown_arg,
        _unknown_type,
        _no_flatten,
        _image_layer_after_flatten,
        _wrong_units,
        _huge_kernel,
        _bad_padding,
        _bad_activation,
        _ends_badly,
    )
}


@FEW
@given(case=broken())
def test_broken_stacks_are_refused_before_keras(case):
    spec, code = case
    problems = validate(spec)
    assert code in {p.code for p in problems if p.is_error}, problems
    with pytest.raises(SpecError) as info:
        build_model(spec)
    assert code in {p.code for p in info.value.problems}
    with pytest.raises(SpecError):
        to_keras_code(spec)


# ---- Presets and exported code ------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_presets_match_keras(name, shape):
    spec = get_preset(name, shape)
    model = build_model(spec)
    assert_matches_keras(spec, model)
    assert model.get_layer(RESCALE_NAME).scale == pytest.approx(1 / 255)


def test_blog_model_has_the_posts_parameter_count_in_keras():
    assert build_model(get_preset("blog")).count_params() == 229_834


def test_model_takes_uint8_images_and_outputs_probabilities():
    spec = get_preset("lenet", (28, 28, 1))
    model = build_model(spec)
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28, 1), dtype=np.uint8)
    probs = np.asarray(model(images, training=False))
    assert probs.shape == (3, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    # Rescaling really divides by 255: the rescaled input equals images / 255.
    probe = keras.Model(model.input, model.get_layer(RESCALE_NAME).output)
    np.testing.assert_allclose(np.asarray(probe(images)), images / 255, rtol=1e-6)


def _exec_code(spec: ModelSpec, lang: str):
    namespace = {}
    code = to_keras_code(spec, lang)
    code = code.replace("model.summary()", "")  # keep the test output quiet
    exec(compile(code, "<to_keras_code>", "exec"), namespace)
    return code, namespace["model"]


@pytest.mark.parametrize("lang", ["pt", "en"])
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_exported_code_builds_the_same_model(name, lang):
    spec = get_preset(name)
    code, model = _exec_code(spec, lang)
    assert_matches_keras(spec, model)
    assert "import keras" in code
    for removed in ("keras.layers.convolutional", "np_utils", "lr=", "tensorflow.keras"):
        assert removed not in code


@settings(
    max_examples=10,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(spec=stacks().filter(lambda s: summarize(s).ok))
def test_exported_code_of_random_stacks_builds_the_same_model(spec):
    keras.backend.clear_session(free_memory=False)
    _, model = _exec_code(spec, "en")
    assert_matches_keras(spec, model)


def test_model_name_is_safe_for_keras():
    spec = get_preset("lenet").replace(name="Minha rede / versão 2")
    model = build_model(spec)
    assert "/" not in model.name and model.name
    _, exported = _exec_code(spec, "pt")
    assert exported.name == model.name
