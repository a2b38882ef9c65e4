"""Designs (network + training settings): URL/JSON round trips, checks of outside input."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.presets import PRESET_NAMES, get_preset
from cnn_core.spec import summarize
from tests.conftest import ROOT


def _pack(obj) -> str:
    raw = json.dumps(obj).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def _codes(error: designs.DesignError) -> list[str]:
    return [p.code for p in error.problems]


def test_default_design_is_the_blog_set_up():
    design = designs.default_design()
    assert design["spec"] == get_preset("blog").to_dict()
    assert summarize(get_preset("blog")).total_params == 229_834
    s = design["settings"]
    assert (s["optimizer"], s["learning_rate"], s["batch_size"], s["epochs"]) == (
        "sgd",
        0.01,
        32,
        40,
    )
    assert s["train_size"] is None and s["augment"] is False and s["seed"] == 0
    assert s["time_budget_s"] is None and s["schedule"] == "constant"


def test_settings_match_the_training_engine():
    """The Build page's settings are exactly what cnn_core.train.TrainSettings takes."""
    from cnn_core import train

    assert train.TrainSettings().to_dict() == designs.DEFAULT_SETTINGS
    assert set(designs.OPTIMIZERS) == set(train.OPTIMIZERS)
    assert set(designs.SCHEDULES) == set(train.SCHEDULES)
    assert set(designs.PRECISIONS) == set(train.PRECISIONS)
    clean, problems = designs.check_settings({"optimizer": "adamw", "time_budget_s": 120})
    assert not problems
    assert train.TrainSettings.from_dict(clean).to_dict() == clean


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_url_round_trip_keeps_every_preset(preset):
    design = designs.default_design(preset)
    token = designs.encode(design)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # safe in a URL without quoting
    assert len(token) < designs.MAX_URL_CHARS
    assert designs.decode(token) == design


def test_json_round_trip_and_byte_input():
    design = designs.default_design("lenet")
    design["settings"]["learning_rate"] = 0.002
    text = designs.to_json(design)
    assert designs.from_json(text) == design
    # Saved by an editor that adds a byte-order mark.
    assert designs.from_json(b"\xef\xbb\xbf" + text.encode()) == design


_valid_settings = st.fixed_dictionaries(
    {
        "optimizer": st.sampled_from(designs.OPTIMIZERS),
        "learning_rate": st.floats(designs.LR_MIN, designs.LR_MAX),
        "batch_size": st.integers(designs.BATCH_MIN, designs.BATCH_MAX),
        "epochs": st.integers(designs.EPOCHS_MIN, designs.EPOCHS_MAX),
        "time_budget_s": st.none() | st.floats(designs.BUDGET_MIN_S, designs.BUDGET_MAX_S),
        "train_size": st.none() | st.integers(designs.TRAIN_SIZE_MIN, designs.TRAIN_SIZE_MAX),
        "augment": st.booleans(),
        "seed": st.integers(0, designs.SEED_MAX),
        "schedule": st.sampled_from(designs.SCHEDULES),
    }
)


@settings(max_examples=60, deadline=None)
@given(_valid_settings, st.integers(1, 512), st.sampled_from(["same", "valid"]))
def test_any_valid_design_survives_the_url(chosen, filters, padding):
    spec = get_preset("blog").to_dict()
    spec["layers"][0]["filters"] = filters
    spec["layers"][0]["padding"] = padding
    design = {"spec": spec, "settings": {**designs.default_settings(), **chosen}}
    assert designs.decode(designs.encode(design)) == design


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not base64 at all!",
        "abc",
        base64.urlsafe_b64encode(b"plain text, not zlib").decode(),
    ],
)
def test_damaged_links_are_refused(token):
    with pytest.raises(designs.DesignError) as info:
        designs.decode(token)
    assert _codes(info.value) == ["bad_link"]


def test_truncated_link_is_refused():
    token = designs.encode(designs.default_design())
    with pytest.raises(designs.DesignError) as info:
        designs.decode(token[: len(token) // 2])
    assert _codes(info.value) == ["bad_link"]


def test_too_long_link_is_refused_before_decoding():
    with pytest.raises(designs.DesignError) as info:
        designs.decode("A" * (designs.MAX_URL_CHARS + 1))
    assert _codes(info.value) == ["link_too_long"]


def test_link_that_inflates_to_megabytes_is_refused():
    bomb = json.dumps({"spec": {"layers": []}, "pad": " " * 2_000_000}).encode()
    token = base64.urlsafe_b64encode(zlib.compress(bomb, 9)).decode().rstrip("=")
    assert len(token) < designs.MAX_URL_CHARS  # short link, huge payload
    with pytest.raises(designs.DesignError) as info:
        designs.decode(token)
    assert _codes(info.value) == ["bad_link"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ([1, 2, 3], "not_a_design"),
        ({"settings": {}}, "not_a_design"),
        ({"version": 99, "spec": {"layers": []}}, "version"),
        ({"spec": "conv"}, "spec"),
        ({"spec": {"layers": [{"type": "Conv3D", "filters": 3}]}}, "spec"),
        ({"spec": {"layers": [{"type": "Dense", "units": 10, "colour": "red"}]}}, "spec"),
        ({"spec": {"layers": [{"type": "Dense", "units": -4}]}}, "spec"),
        ({"spec": {"layers": [{"type": "Flatten"}] * 61}}, "too_many_layers"),
        ({"spec": {"layers": []}, "settings": {"learning_rate": 3.0}}, "range"),
        ({"spec": {"layers": []}, "settings": "fast"}, "settings_type"),
    ],
)
def test_unusable_designs_are_refused_with_a_reason(payload, code):
    with pytest.raises(designs.DesignError) as info:
        designs.decode(_pack(payload))
    assert code in _codes(info.value)
    for lang in locales.LANGUAGES:
        assert info.value.message(lang).strip()
    assert info.value.message("pt") != info.value.message("en")


def test_spec_problems_name_the_layer_in_both_languages():
    payload = {"spec": {"layers": [{"type": "Flatten"}, {"type": "Conv3D"}]}}
    with pytest.raises(designs.DesignError) as info:
        designs.from_json(json.dumps(payload))
    (problem,) = info.value.problems
    assert problem.spec_problem.layer_index == 1
    assert info.value.message("en").startswith("Layer 2: ")
    assert info.value.message("pt").startswith("Camada 2: ")


def test_a_network_that_does_not_fit_is_still_a_readable_design():
    """Shape problems are the learner's to fix on the page, so such a design opens."""
    spec = get_preset("blog").to_dict()
    spec["layers"][9]["kernel_size"] = 7  # conv2d_5 sees 5x5 pixels
    design = designs.decode(designs.encode({"spec": spec, "settings": designs.default_settings()}))
    problems = summarize(get_preset("blog").replace(layers=design["spec"]["layers"])).problems
    assert [(p.layer_index, p.code) for p in problems if p.is_error] == [(9, "conv_too_small")]


def test_json_file_limits():
    with pytest.raises(designs.DesignError) as info:
        designs.from_json(b"{" + b" " * designs.MAX_JSON_BYTES + b"}")
    assert _codes(info.value) == ["too_big"]
    for bad in (b"{not json", b"\xff\xfe\x00garbage", "[1, 2"):
        with pytest.raises(designs.DesignError) as info:
            designs.from_json(bad)
        assert _codes(info.value) == ["not_json"]


def test_settings_are_normalised_and_defaults_filled():
    clean, problems = designs.check_settings(
        {"batch_size": 64.0, "learning_rate": 1, "seed": 7, "unknown": "dropped"}
    )
    assert problems == []
    assert clean["batch_size"] == 64 and isinstance(clean["batch_size"], int)
    assert clean["learning_rate"] == 1.0 and isinstance(clean["learning_rate"], float)
    assert "unknown" not in clean
    assert clean["epochs"] == 40  # missing -> the blog's


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("batch_size", 8),
        ("batch_size", 1024),
        ("batch_size", True),
        ("batch_size", 32.5),
        ("learning_rate", 0.0),
        ("learning_rate", float("nan")),
        ("learning_rate", "0.01"),
        ("epochs", 0),
        ("time_budget_s", 0.5),
        ("train_size", 10),
        ("seed", -1),
        ("augment", "yes"),
        ("optimizer", "rmsprop"),
        ("schedule", "step"),
    ],
)
def test_each_bad_setting_is_reported_on_its_field(name, value):
    _, problems = designs.check_settings({name: value})
    assert [p.setting for p in problems] == [name]
    label_en = locales.t(f"build.field.{name}", "en")
    label_pt = locales.t(f"build.field.{name}", "pt")
    assert label_en in problems[0].message("en")
    assert label_pt in problems[0].message("pt")


def test_design_module_does_not_import_tensorflow():
    code = (
        "import sys; import cnn_core.design as d; d.decode(d.encode(d.default_design()));"
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_base_preset_tells_a_preset_from_an_edited_copy():
    base_preset, default_design = designs.base_preset, designs.default_design
    for name in PRESET_NAMES:
        assert base_preset(default_design(name)["spec"]) == (name, False)
    edited = default_design("blog")
    edited["spec"]["layers"][0]["filters"] = 32
    assert base_preset(edited["spec"]) == ("blog", True)
    removed = default_design("lenet")
    del removed["spec"]["layers"][-2]
    assert base_preset(removed["spec"]) == ("lenet", True)
    custom = default_design("blog")
    custom["spec"]["name"] = "my-net"
    assert base_preset(custom["spec"]) == (None, True)


def test_each_preset_comes_with_its_recipe():
    from cnn_core.train import TrainSettings, check_recipe, fast_settings

    fast = designs.preset_settings("fast")
    clean, problems = designs.check_settings(fast)
    assert problems == [] and clean == fast
    expected = fast_settings(time_budget_s=designs.FAST_BUDGET_S).to_dict()
    assert {k: expected[k] for k in fast} == fast
    assert fast["whiten"] is True and fast["low_res"] > 0
    check_recipe(get_preset("fast"), TrainSettings.from_dict(fast))
    assert designs.preset_settings("fast", "mnist")["dataset"] == "mnist"
    for name in ("blog", "lenet"):
        assert designs.preset_settings(name) == designs.default_settings()
        assert designs.default_design(name)["settings"]["whiten"] is False


@pytest.mark.parametrize(
    ("changes", "setting"),
    [({"low_res": 0.95}, "low_res"), ({"low_res": "half"}, "low_res"), ({"whiten": 1}, "whiten")],
)
def test_recipe_settings_are_checked(changes, setting):
    _, problems = designs.check_settings({**designs.default_settings(), **changes})
    assert [p.setting for p in problems] == [setting]
    assert problems[0].message("pt") != problems[0].message("en")
