"""cnn_core.presets: the ready-made models are the ones promised, on CIFAR-10 and MNIST shapes."""

from __future__ import annotations

import pytest

from cnn_core import locales
from cnn_core.presets import BLOG_PARAMS, PRESET_NAMES, get_preset
from cnn_core.spec import ModelSpec, SpecError, summarize

SHAPES = [(32, 32, 3), (28, 28, 1)]


def test_preset_names():
    assert PRESET_NAMES == ("blog", "lenet", "fast", "fast_small")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_is_valid_on_every_dataset_shape(name, shape):
    spec = get_preset(name, shape)
    assert spec.name == name and spec.input_shape == shape and spec.num_classes == 10
    summary = summarize(spec)
    assert summary.ok, summary.errors
    assert summary.output_shape == (10,)
    assert spec.layers[-1] == {"type": "Dense", "units": 10, "activation": "softmax"}
    assert ModelSpec.from_json(spec.to_json()) == spec


def test_blog_is_the_posts_model():
    spec = get_preset("blog")
    assert get_preset("blog", (32, 32, 3)) == spec
    summary = summarize(spec)
    assert summary.total_params == BLOG_PARAMS == 229_834
    convs = [
        (layer["filters"], layer["kernel_size"]) for layer in spec.layers if "filters" in layer
    ]
    assert convs == [(128, [3, 3]), (128, [3, 3]), (64, [2, 2]), (32, [2, 2]), (32, [2, 2])]
    pools = [layer["pool_size"] for layer in spec.layers if layer["type"] == "MaxPooling2D"]
    assert pools == [[2, 2], [2, 2], [1, 1], [1, 1], [1, 1]]
    assert [layer["rate"] for layer in spec.layers if layer["type"] == "Dropout"] == [0.25, 0.25]
    assert spec.layers[0]["padding"] == "same" and "padding" not in spec.layers[2]
    # The post's mistake is kept on purpose, and flagged.
    assert [p.code for p in summary.problems] == ["pool_does_nothing"] * 3


def test_lenet_shape_before_flatten_is_the_same_on_cifar_and_mnist():
    for shape in SHAPES:
        spec = get_preset("lenet", shape)
        rows = summarize(spec).rows
        assert [r.type for r in rows] == [
            "Conv2D",
            "AveragePooling2D",
            "Conv2D",
            "AveragePooling2D",
            "Flatten",
            "Dense",
            "Dense",
            "Dense",
        ]
        assert [spec.layers[i].get("filters") for i in (0, 2)] == [6, 16]
        assert rows[3].output_shape == (5, 5, 16)
        assert [spec.layers[i]["units"] for i in (5, 6, 7)] == [120, 84, 10]


def test_fast_is_a_whitening_ready_batchnorm_net():
    from cnn_core.whiten import max_whitening_filters

    spec = get_preset("fast")
    summary = summarize(spec)
    assert 1_000_000 <= summary.total_params <= 1_300_000
    types = [r.type for r in summary.rows]
    assert types.count("BatchNormalization") >= 6
    assert types.count("MaxPooling2D") == 3
    first = spec.layers[0]
    assert first["type"] == "Conv2D" and first["kernel_size"] in (2, [2, 2])
    assert first["filters"] == max_whitening_filters((2, 2), 3)
    widths = [r.output_shape[-1] for r in summary.rows if r.type == "Conv2D"]
    assert {64, 128, 256} <= set(widths)
    assert "Flatten" not in types  # the same weights at half size (the recipe's low_res)
    assert summary.non_trainable_params > 0  # BN moving statistics
    mnist = get_preset("fast", (28, 28, 1))
    assert mnist.layers[0]["filters"] == max_whitening_filters((2, 2), 1)
    assert summarize(mnist).ok


def test_class_count_and_fresh_copies():
    spec = get_preset("lenet", num_classes=5)
    assert spec.num_classes == 5 and spec.layers[-1]["units"] == 5
    assert summarize(spec).ok
    spec.layers[0]["filters"] = 99
    assert get_preset("lenet").layers[0]["filters"] == 6


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": "resnet"}, "unknown_preset"),
        ({"name": "blog", "num_classes": 1}, "bad_num_classes"),
        ({"name": "blog", "dataset_input_shape": (32, 32)}, "bad_input_shape"),
    ],
)
def test_bad_requests_raise_spec_error(kwargs, code):
    with pytest.raises(SpecError) as info:
        get_preset(**kwargs)
    assert [p.code for p in info.value.problems] == [code]
    assert info.value.message("pt") != info.value.message("en")


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_presets_have_bilingual_titles_and_descriptions(name):
    for part in ("title", "about"):
        key = f"spec.preset.{name}.{part}"
        assert locales.t(key, "pt") and locales.t(key, "en")
    assert locales.t(f"spec.preset.{name}.about", "pt") != locales.t(
        f"spec.preset.{name}.about", "en"
    )
