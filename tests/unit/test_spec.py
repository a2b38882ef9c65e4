"""cnn_core.spec: JSON round trips, shape arithmetic, problems and their bilingual texts (no TF)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import locales
from cnn_core.presets import get_preset
from cnn_core.spec import (
    MAX_ACTIVATION_BYTES,
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
    summarize,
    validate,
)

HEAD = [{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]


def conv(filters=4, k=3, **extra):
    return {"type": "Conv2D", "filters": filters, "kernel_size": k, **extra}


def spec_of(*layers, head=True, **kwargs) -> ModelSpec:
    return ModelSpec([*layers, *(HEAD if head else [])], **kwargs)


def codes(spec: ModelSpec) -> list[str]:
    return [p.code for p in validate(spec)]


# ---- Shape arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [
        (32, 5, 2, "valid", 14),  # the blog said 28: floor((32 - 5) / 2) + 1 = 14
        (32, 5, 1, "valid", 28),
        (32, 5, 2, "same", 16),  # ceil(32 / 2)
        (32, 3, 1, "same", 32),
        (7, 2, 2, "valid", 3),
        (7, 2, 2, "same", 4),
        (1, 3, 1, "valid", -1),
        (2, 3, 1, "valid", 0),
        (1, 3, 1, "same", 1),
    ],
)
def test_conv_output_size_follows_keras(size, kernel, stride, padding, expected):
    assert conv_output_size(size, kernel, stride, padding) == expected


@given(
    n=st.integers(1, 64),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_size_formulas(n, k, s, padding):
    out = conv_output_size(n, k, s, padding)
    if padding == "same":
        assert out == math.ceil(n / s)
    else:
        assert out == math.floor((n - k) / s) + 1
    # Pooling strides default to the pool size.
    assert pool_output_size(n, k, None, padding) == conv_output_size(n, k, k, padding)


# ---- The blog's model --------------------------------------------------------------------------


def test_blog_summary_rows_match_hand_computation():
    summary = summarize(get_preset("blog"))
    rows = {r.name: r for r in summary.rows}
    # conv: k*k*in*out + out biases; dense: in*out + out.
    assert rows["conv2d_1"].output_shape == (32, 32, 128)
    assert rows["conv2d_1"].params == 3 * 3 * 3 * 128 + 128
    assert rows["max_pooling2d_1"].output_shape == (16, 16, 128)
    assert rows["conv2d_2"].output_shape == (14, 14, 128)  # no padding: 16 - 3 + 1
    assert rows["conv2d_2"].params == 3 * 3 * 128 * 128 + 128
    assert rows["max_pooling2d_2"].output_shape == (7, 7, 128)
    assert rows["conv2d_3"].output_shape == (6, 6, 64)
    assert rows["max_pooling2d_3"].output_shape == (6, 6, 64)  # 1x1 pooling changes nothing
    assert rows["conv2d_5"].output_shape == (4, 4, 32)
    assert rows["flatten_1"].output_shape == (4 * 4 * 32,)
    assert rows["dense_1"].params == 512 * 64 + 64
    assert rows["dense_2"].params == 64 * 10 + 10
    assert summary.total_params == 229_834
    assert summary.trainable_params == summary.total_params
    # MACs: conv = output values x (k*k*in); dense = in x out.
    assert rows["conv2d_1"].macs == 32 * 32 * 128 * (3 * 3 * 3)
    assert rows["dense_1"].macs == 512 * 64
    assert rows["conv2d_1"].activation_bytes == 32 * 32 * 128 * 4
    assert summary.activation_bytes == 32 * 32 * 3 * 4 + sum(
        r.activation_bytes for r in rows.values()
    )
    assert summary.ok
    # The three 1x1 poolings are flagged as useless, but only as warnings.
    useless = [p for p in summary.problems if p.code == "pool_does_nothing"]
    assert [p.args["layer"] for p in useless] == [
        "max_pooling2d_3",
        "max_pooling2d_4",
        "max_pooling2d_5",
    ]
    assert all(p.severity == "warning" for p in useless)


def test_batch_normalization_has_four_weights_per_channel_two_trainable():
    summary = summarize(spec_of(conv(6), {"type": "BatchNormalization"}))
    bn = summary.rows[1]
    assert (bn.params, bn.trainable_params, bn.non_trainable_params) == (24, 12, 12)
    assert summary.non_trainable_params == 12


def test_pairs_strides_and_bias_free_convolutions():
    summary = summarize(
        spec_of(
            conv(5, [3, 1], strides=[2, 1], padding="valid", use_bias=False),
            {"type": "AveragePooling2D", "pool_size": [2, 3], "strides": 1, "padding": "same"},
            input_shape=(28, 20, 2),
        )
    )
    c, p = summary.rows[0], summary.rows[1]
    assert c.output_shape == ((28 - 3) // 2 + 1, 20, 5)
    assert c.params == 3 * 1 * 2 * 5
    assert p.output_shape == c.output_shape  # same padding, stride 1
    assert summary.ok


def test_global_pooling_and_trailing_activation_head():
    spec = ModelSpec(
        [
            conv(8),
            {"type": "GlobalAveragePooling2D"},
            {"type": "Dense", "units": 10},
            {"type": "Activation", "activation": "softmax"},
        ]
    )
    summary = summarize(spec)
    assert summary.rows[1].output_shape == (8,)
    assert summary.output_shape == (10,)
    assert summary.problems == []


def test_layer_names_are_numbered_per_type_from_one():
    spec = spec_of(conv(), {"type": "MaxPooling2D"}, conv(), {"type": "BatchNormalization"})
    assert layer_names(spec) == [
        "conv2d_1",
        "max_pooling2d_1",
        "conv2d_2",
        "batch_normalization_1",
        "flatten_1",
        "dense_1",
    ]
    assert [r.name for r in summarize(spec).rows] == layer_names(spec)


# ---- JSON ----------------------------------------------------------------------------------------


def test_json_round_trip_is_exact_and_pairs_become_lists():
    spec = ModelSpec(
        [conv(3, (3, 3), strides=(1, 2)), *HEAD], input_shape=[28, 28, 1], name="Meu modelo ção"
    )
    again = ModelSpec.from_json(spec.to_json())
    assert again == spec
    assert again.to_json() == spec.to_json()
    assert again.layers[0]["kernel_size"] == [3, 3]
    assert again.input_shape == (28, 28, 1)
    assert ModelSpec.from_dict(json.loads(spec.to_json(indent=None))) == spec


def test_spec_copies_its_input():
    layers = [conv(), *HEAD]
    spec = ModelSpec(layers)
    layers[0]["filters"] = 99
    spec.to_dict()["layers"][0]["filters"] = 77
    assert spec.layers[0]["filters"] == 4
    changed = spec.replace(num_classes=5)
    assert changed.num_classes == 5 and spec.num_classes == 10


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        ("[1, 2]", "not_object"),
        ('{"layers": 3}', "layers_not_list"),
        ('{"name": "x"}', "layers_not_list"),
        ('{"layers": [], "extra": 1}', "unknown_spec_key"),
        ('{"layers": [5]}', "layer_not_object"),
        ('{"layers": [{"units": 3}]}', "missing_type"),
        ('{"layers": [], "input_shape": [32, 32]}', "bad_input_shape"),
        ('{"layers": [], "input_shape": [32, 0, 3]}', "bad_input_shape"),
        ('{"layers": [], "num_classes": 1}', "bad_num_classes"),
        ('{"layers": [], "num_classes": true}', "bad_num_classes"),
        ('{"layers": [], "name": 7}', "bad_name"),
    ],
)
def test_malformed_json_raises_spec_error_with_both_languages(text, code):
    with pytest.raises(SpecError) as info:
        ModelSpec.from_json(text)
    err = info.value
    assert [p.code for p in err.problems] == [code]
    assert err.message("pt") != err.message("en")
    assert str(err) == err.message("en")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids),
        max_leaves=12,
    )
)
def test_any_json_value_either_loads_or_raises_spec_error(value):
    try:
        spec = ModelSpec.from_json(json.dumps(value))
    except SpecError as err:
        assert err.problems and err.message("pt") and err.message("en")
        return
    summary = summarize(spec)  # never crashes on what the parser accepted
    assert isinstance(summary.problems, list)
    repr(summary)


# ---- Problems ----------------------------------------------------------------------------------

TOO_WIDE = {"type": "Dense", "units": MAX_PARAMS // 3072 + 1}
BIG_MAPS = conv(MAX_ACTIVATION_BYTES // (32 * 32 * 4 * MEMORY_BATCH_SIZE) + 1, 1)

# One spec (or JSON text) that shows each problem code; checked to cover PROBLEM_CODES.
EXAMPLES = {
    "unknown_type": spec_of({"type": "Conv3D", "filters": 2}),
    "unknown_arg": spec_of(conv(kernel_initializer="zeros")),
    "missing_arg": spec_of({"type": "Conv2D", "filters": 4}),
    "not_count": spec_of(conv(0)),
    "not_size": spec_of(conv(4, [3, 0])),
    "bad_padding": spec_of(conv(padding="full")),
    "bad_activation": spec_of(conv(activation="ReLU")),
    "not_bool": spec_of(conv(use_bias="yes")),
    "bad_rate": spec_of({"type": "Dropout", "rate": 1.0}),
    "bad_fraction": spec_of({"type": "BatchNormalization", "momentum": 1.5}),
    "not_positive_float": spec_of({"type": "BatchNormalization", "epsilon": 0}),
    "empty": ModelSpec([]),
    "conv_too_small": spec_of(conv(k=5), conv(k=5), conv(k=5), conv(k=5), input_shape=(16, 16, 1)),
    "pool_too_small": spec_of(*[{"type": "MaxPooling2D"}] * 6),
    "dense_needs_flat": ModelSpec(
        [conv(), {"type": "Dense", "units": 10, "activation": "softmax"}]
    ),
    "needs_image": spec_of({"type": "Flatten"}, conv()),
    "flatten_flat": spec_of({"type": "Flatten"}),
    "pool_does_nothing": spec_of({"type": "MaxPooling2D", "pool_size": 1}),
    "last_not_dense": ModelSpec([conv(10), {"type": "GlobalAveragePooling2D"}]),
    "wrong_units": ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 3}]),
    "no_softmax": ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 10}]),
    "too_many_params": ModelSpec([{"type": "Flatten"}, TOO_WIDE, *HEAD[1:]]),
    "too_much_memory": ModelSpec([BIG_MAPS, {"type": "GlobalAveragePooling2D"}, *HEAD[1:]]),
}
PARSE_EXAMPLES = {
    "bad_json": "{",
    "not_object": "3",
    "unknown_spec_key": '{"layers": [], "lr": 1}',
    "layers_not_list": '{"layers": {}}',
    "layer_not_object": '{"layers": ["Conv2D"]}',
    "missing_type": '{"layers": [{"type": ""}]}',
    "bad_input_shape": '{"layers": [], "input_shape": "32x32"}',
    "bad_num_classes": '{"layers": [], "num_classes": 2.5}',
    "bad_name": '{"layers": [], "name": null}',
}


def _example_problems():
    found = {}
    for code, spec in EXAMPLES.items():
        found[code] = [p for p in validate(spec) if p.code == code]
    for code, text in PARSE_EXAMPLES.items():
        with pytest.raises(SpecError) as info:
            ModelSpec.from_json(text)
        found[code] = [p for p in info.value.problems if p.code == code]
    with pytest.raises(SpecError) as info:
        get_preset("resnet")
    found["unknown_preset"] = info.value.problems
    return found


def test_every_problem_code_has_an_example_and_both_texts():
    found = _example_problems()
    assert set(found) == set(PROBLEM_CODES)
    catalog = locales.catalog()
    for code, problems in found.items():
        assert problems, f"the example for {code} does not produce it"
        for key in (f"spec.problem.{code}", f"spec.fix.{code}"):
            assert key in catalog, key
        for problem in problems:
            assert problem.severity == PROBLEM_CODES[code]
            pt, en = problem.message("pt"), problem.message("en")
            assert pt and en and pt != en
            assert problem.fix("pt") != problem.fix("en")
            if problem.layer_index is not None and code not in PARSE_EXAMPLES:
                # The learner is told which layer, by the name the summary shows.
                assert problem.args["layer"] in pt and problem.args["layer"] in en


def test_catalog_has_no_stray_problem_keys():
    catalog = locales.catalog()
    for key in catalog:
        if key.startswith(("spec.problem.", "spec.fix.")):
            assert key.rsplit(".", 1)[1] in PROBLEM_CODES, key


def test_image_too_small_explains_where_and_how_to_fix():
    # Three 2x2 poolings take 8x8 down to 1x1; a 3x3 convolution without padding would give -1.
    spec = spec_of(
        conv(4, 1),
        {"type": "MaxPooling2D"},
        {"type": "MaxPooling2D"},
        {"type": "MaxPooling2D"},
        conv(4, 3),
        input_shape=(8, 8, 3),
    )
    summary = summarize(spec)
    (problem,) = [p for p in summary.problems if p.code == "conv_too_small"]
    assert problem.layer_index == 4
    assert problem.args == {
        "layer": "conv2d_2",
        "size": "1x1",
        "window": "3x3",
        "result": "-1x-1",
        "pools": 3,
    }
    assert "padding='same'" in problem.fix("en") and "padding='same'" in problem.fix("pt")
    assert "-1x-1" in problem.message("pt")
    assert not summary.ok
    # Later shapes are unknown rather than made up.
    assert summary.rows[4].output_shape is None and summary.rows[-1].params is None
    # The suggested fix works.
    fixed = spec.replace(layers=[*spec.layers[:4], conv(4, 3, padding="same"), *HEAD])
    assert summarize(fixed).ok


@pytest.mark.parametrize(
    ("spec", "code", "index"),
    [
        (
            ModelSpec([conv(), {"type": "Dense", "units": 10, "activation": "softmax"}]),
            "dense_needs_flat",
            1,
        ),
        (spec_of({"type": "GlobalAveragePooling2D"}, {"type": "MaxPooling2D"}), "needs_image", 1),
        (spec_of({"type": "Flatten"}, {"type": "GlobalMaxPooling2D"}), "needs_image", 1),
        (spec_of({"type": "Dropout", "rate": -0.1}), "bad_rate", 0),
        (spec_of({"type": "Dropout", "rate": "0.5"}), "bad_rate", 0),
        (spec_of(conv(-3)), "not_count", 0),
        (spec_of(conv(3.0)), "not_count", 0),
        (spec_of(conv(True)), "not_count", 0),
        (spec_of(conv(4, 0)), "not_size", 0),
        (spec_of(conv(4, [3, 3, 3])), "not_size", 0),
        (spec_of(conv(strides=0)), "not_size", 0),
        (spec_of({"type": "MaxPooling2D", "pool_size": -2}), "not_size", 0),
        (spec_of({"type": "AveragePooling2D", "strides": [0, 1]}), "not_size", 0),
        (spec_of({"type": "dense", "units": 3}), "unknown_type", 0),
        (ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 0}]), "not_count", 1),
        (
            ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "relu"}]),
            "no_softmax",
            1,
        ),
        (ModelSpec([*HEAD, {"type": "Dropout", "rate": 0.1}]), "last_not_dense", 2),
        (ModelSpec([*HEAD], num_classes=3), "wrong_units", 1),
    ],
)
def test_invalid_layers_are_caught_at_the_right_layer(spec, code, index):
    problems = [p for p in validate(spec) if p.code == code]
    assert problems, validate(spec)
    assert problems[0].layer_index == index


def test_only_errors_block():
    warn_only = ModelSpec(
        [{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "sigmoid"}]
    )
    summary = summarize(warn_only)
    assert [p.code for p in summary.problems] == ["no_softmax"]
    assert summary.ok and summary.warnings and not summary.errors
    assert "sigmoid" in summary.problems[0].message("en")


def test_errors_come_before_warnings():
    spec = spec_of({"type": "MaxPooling2D", "pool_size": 1}, conv(0))
    severities = [p.severity for p in validate(spec)]
    assert severities == sorted(severities)  # "error" < "warning"
    assert "error" in severities and "warning" in severities


def test_resource_caps():
    assert not summarize(EXAMPLES["too_many_params"]).ok
    under = ModelSpec(
        [{"type": "Flatten"}, {**TOO_WIDE, "units": MAX_PARAMS // (3072 + 1 + 10)}, *HEAD[1:]]
    )
    assert (
        summarize(under).total_params
        < MAX_PARAMS
        < summarize(EXAMPLES["too_many_params"]).total_params
    )
    assert summarize(under).ok
    summary = summarize(EXAMPLES["too_much_memory"])
    assert summary.training_memory_bytes() > MAX_ACTIVATION_BYTES
    (problem,) = summary.errors
    assert problem.args["layer"] == "conv2d_1" and problem.args["batch"] == MEMORY_BATCH_SIZE
    # The same net passes with small batches: the cap is about memory, not the layer itself.
    assert not [p for p in validate(EXAMPLES["too_much_memory"], batch_size=4) if p.is_error]


def test_summary_does_not_crash_on_unknown_layers_and_keeps_later_rows():
    spec = spec_of({"type": "Mystery"}, conv())
    summary = summarize(spec)
    assert [r.name for r in summary.rows] == ["mystery_1", "conv2d_1", "flatten_1", "dense_1"]
    assert all(r.output_shape is None for r in summary.rows)
    assert summary.problems_for(0)[0].code == "unknown_type"


def test_reprs_are_readable_tables():
    spec = get_preset("blog")
    text = repr(summarize(spec))
    assert "conv2d_1 (Conv2D)" in text and "229,834" in text and "32x32x128" in text
    assert "WARNING" in text
    assert "dense_2" in repr(spec) and "Dense(units=10" in repr(spec)
    problem = validate(spec)[0]
    assert repr(problem).startswith("<Problem warning pool_does_nothing")


def test_numbers_are_written_per_language():
    assert format_number(229834, "en") == "229,834"
    assert format_number(229834, "pt") == "229.834"
    problem = Problem(None, "too_many_params", {"params": 25_000_000, "cap": MAX_PARAMS})
    assert "25.000.000" in problem.message("pt") and "25,000,000" in problem.message("en")


def test_shapes_are_written_as_keras_users_read_them():
    assert shape_text((14, 14, 128)) == "14x14x128"
    assert shape_text((3072,)) == "3072"
    assert shape_text((None, 10)) == "?x10"
    assert shape_text(None) == "?"
    # The blog's first convolution keeps 32x32 ("same" padding) with 128 filters.
    assert shape_text(summarize(get_preset("blog")).rows[0].output_shape) == "32x32x128"


def test_problems_compare_and_hash_by_value():
    first, again = validate(get_preset("blog")), validate(get_preset("blog"))
    assert first == again
    assert len(set(first) | set(again)) == 3
    assert Problem(0, "empty") != Problem(1, "empty")


def test_bad_json_says_where():
    with pytest.raises(SpecError) as info:
        ModelSpec.from_json('{\n  "layers": [\n    {"type": "Flatten"},,\n  ]\n}')
    (problem,) = info.value.problems
    assert (problem.args["line"], problem.args["column"]) == (3, 25)
    assert "linha 3, coluna 25" in problem.message("pt")
