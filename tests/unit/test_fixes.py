"""One-click fixes: each fixable problem goes away, the rest of the stack stays as it was."""

from __future__ import annotations

import pytest

from cnn_core.fixes import FIXABLE, Edit, apply_edits, fix_spec, plan_fix
from cnn_core.presets import get_preset
from cnn_core.spec import PROBLEM_CODES, ModelSpec, summarize

BLOG = get_preset("blog")
DENSE_HEAD = {"type": "Dense", "units": 10, "activation": "softmax"}


def with_layers(layers, **changes) -> ModelSpec:
    return BLOG.replace(layers=[dict(layer) for layer in layers], **changes)


def only(spec: ModelSpec, code: str):
    (problem,) = [p for p in summarize(spec).problems if p.code == code]
    return problem


def codes(spec: ModelSpec) -> set[str]:
    return {p.code for p in summarize(spec).problems}


def test_a_missing_flatten_is_inserted_before_the_dense_layer():
    layers = [layer for layer in BLOG.layers if layer["type"] != "Flatten"]
    broken = with_layers(layers)
    problem = only(broken, "dense_needs_flat")
    assert plan_fix(broken, problem) == [Edit("insert", problem.layer_index, {"type": "Flatten"})]
    fixed = fix_spec(broken, problem)
    assert fixed.layers == BLOG.layers  # exactly the blog's network again
    assert summarize(fixed).ok and summarize(fixed).total_params == 229834


@pytest.mark.parametrize(
    "head",
    [
        [{"type": "Dense", "units": 5, "activation": "softmax"}],
        [{"type": "Dense", "units": 10, "activation": "relu"}],
        [{"type": "Dense", "units": 7}, {"type": "Activation", "activation": "relu"}],
    ],
)
def test_the_last_dense_gets_one_neuron_per_class_and_softmax(head):
    broken = with_layers([*BLOG.layers[:-1], *head])
    problem = next(p for p in summarize(broken).problems if p.code in ("wrong_units", "no_softmax"))
    fixed = fix_spec(broken, problem)
    assert fixed.layers[: len(BLOG.layers) - 1] == BLOG.layers[:-1]
    assert fixed.layers[len(BLOG.layers) - 1 :] == [DENSE_HEAD]
    assert not {"wrong_units", "no_softmax"} & codes(fixed)
    assert summarize(fixed).ok


def test_the_head_follows_the_number_of_classes():
    broken = with_layers(BLOG.layers, num_classes=3)
    fixed = fix_spec(broken, only(broken, "wrong_units"))
    assert fixed.layers[-1] == {"type": "Dense", "units": 3, "activation": "softmax"}
    assert summarize(fixed).ok


def test_a_stack_ending_in_a_convolution_gets_flatten_and_a_dense_head():
    broken = with_layers(BLOG.layers[:4])  # conv, pool, conv, pool: still an image
    fixed = fix_spec(broken, only(broken, "last_not_dense"))
    assert fixed.layers[:4] == BLOG.layers[:4]
    assert fixed.layers[4:] == [{"type": "Flatten"}, DENSE_HEAD]
    assert summarize(fixed).ok
    # After a global pooling there is no image left: no Flatten is added.
    pooled = with_layers([*BLOG.layers[:4], {"type": "GlobalAveragePooling2D"}])
    fixed = fix_spec(pooled, only(pooled, "last_not_dense"))
    assert fixed.layers[5:] == [DENSE_HEAD] and summarize(fixed).ok


def test_an_extra_flatten_and_a_pooling_that_does_nothing_are_removed():
    doubled = with_layers([*BLOG.layers[:13], {"type": "Flatten"}, *BLOG.layers[13:]])
    assert fix_spec(doubled, only(doubled, "flatten_flat")).layers == BLOG.layers
    first_idle = next(p for p in summarize(BLOG).problems if p.code == "pool_does_nothing")
    fixed = fix_spec(BLOG, first_idle)
    assert len(fixed.layers) == len(BLOG.layers) - 1
    assert BLOG.layers[first_idle.layer_index]["pool_size"] == [1, 1]
    assert summarize(fixed).total_params == summarize(BLOG).total_params  # it had no weights


def test_an_image_layer_after_flatten_moves_back_before_it():
    conv = {"type": "Conv2D", "filters": 8, "kernel_size": [3, 3], "activation": "relu"}
    broken = with_layers([*BLOG.layers[:13], conv, *BLOG.layers[13:]])
    problem = only(broken, "needs_image")
    fixed = fix_spec(broken, problem)
    assert fixed.layers[12] == conv and fixed.layers[13] == {"type": "Flatten"}
    assert summarize(fixed).ok


@pytest.mark.parametrize("kind", ["Conv2D", "MaxPooling2D"])
def test_an_image_shrunk_to_nothing_keeps_its_size_with_same_padding(kind):
    big = {"type": kind, "kernel_size": [9, 9], "filters": 4} if kind == "Conv2D" else None
    big = big or {"type": kind, "pool_size": [9, 9]}
    broken = with_layers([*BLOG.layers[:4], big, {"type": "Flatten"}, DENSE_HEAD])
    code = "conv_too_small" if kind == "Conv2D" else "pool_too_small"
    fixed = fix_spec(broken, only(broken, code))
    assert fixed.layers[4] == {**big, "padding": "same"}
    assert code not in codes(fixed) and summarize(fixed).ok


def test_problems_without_a_one_click_fix_say_so():
    huge = with_layers(
        [
            {"type": "Flatten"},
            {"type": "Dense", "units": 4096, "activation": "relu"},
            {"type": "Dense", "units": 4096, "activation": "relu"},
            DENSE_HEAD,
        ]
    )
    problem = only(huge, "too_many_params")
    assert plan_fix(huge, problem) is None
    with pytest.raises(ValueError, match="too_many_params"):
        fix_spec(huge, problem)
    assert set(FIXABLE) <= set(PROBLEM_CODES)


def test_edits_keep_a_parallel_list_of_ids_in_step():
    ids = ["a", "b", "c", "d"]
    edits = [Edit("insert", 1, {"type": "Flatten"}), Edit("remove", 3), Edit("move", 3, to=0)]
    assert apply_edits(ids, edits, make=lambda edit: "new") == ["d", "a", "new", "b"]
    assert apply_edits(ids, [Edit("update", 0, {"x": 1})]) == ids  # ids have no arguments
    with pytest.raises(ValueError):
        apply_edits(ids, [Edit("swap", 0)])
