"""The Build page: editing the layer stack, live summary and problems, settings, sharing."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec, summarize
from tests.conftest import ROOT, app_test

PAGE = "pages/07_build.py"
BLOG_FLATTEN = 12  # index of Flatten in the blog's stack


def _open(lang="en"):
    at = app_test(PAGE, lang=lang).run()
    assert not at.exception, at.exception
    return at


def _design(at) -> dict:
    return at.session_state["design"]


def _uid(at, index: int) -> str:
    return _design(at)["uids"][index]


def _spec(at) -> ModelSpec:
    return ModelSpec.from_dict(_design(at)["spec"])


def _shown_total(at, lang) -> int:
    label = locales.t("build.metric.params", lang)
    (metric,) = [m for m in at.metric if m.label == label]
    return int(re.sub(r"\D", "", metric.value))


def _table(at):
    return at.dataframe[0].value


def _problem_cells(at, lang) -> dict[int, str]:
    table = _table(at)
    column = table[locales.t("build.col.problems", lang)]
    return {i: text for i, text in enumerate(column) if text}


def _go_train_disabled(at, lang) -> bool:
    label = locales.t("build.go_train", lang)
    (link,) = [p for p in at.get("page_link") if p.proto.label == label]
    return link.proto.disabled


def _click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_break_the_network_see_the_row_fix_it_and_match_keras():
    at = _open("en")
    assert _shown_total(at, "en") == 229_834
    assert not _go_train_disabled(at, "en")

    # A Dense layer before Flatten gets an image, not a vector.
    at.selectbox(key="build_add_type").set_value("Dense")
    at.selectbox(key="build_add_position").set_value(BLOG_FLATTEN)
    _click(at, "build_add")
    spec = _spec(at)
    assert [layer["type"] for layer in spec.layers][BLOG_FLATTEN : BLOG_FLATTEN + 2] == [
        "Dense",
        "Flatten",
    ]
    (problem,) = [p for p in summarize(spec).errors]
    assert (problem.layer_index, problem.code) == (BLOG_FLATTEN, "dense_needs_flat")
    cells = _problem_cells(at, "en")
    # The new row carries the error; only the 1x1 poolings (warnings) have text too.
    assert set(cells) == {6, 8, 10, BLOG_FLATTEN}
    assert cells[BLOG_FLATTEN] == "1 error"
    assert cells[6] == "1 warning"  # the blog's 1x1 poolings
    # In full on the layer's card, and in the list under the table (where it is, what to do).
    full = f"{problem.message('en')} {problem.fix('en')}"
    assert full in _texts(at.error)
    where = locales.t("build.problems.where", "en", index=BLOG_FLATTEN + 1, name="dense_1")
    assert f"Error · {where}: {full}" in _texts(at.error)
    assert _go_train_disabled(at, "en")
    blocked = locales.t("build.go_train.blocked_network_one", "en")
    assert blocked in _texts(at.caption)

    # Change its units, then fix it by moving it below Flatten: the value moves with it.
    dense_uid = _uid(at, BLOG_FLATTEN)
    at.number_input(key=f"build_arg_{dense_uid}_units").set_value(128).run()
    _click(at, f"build_down_{dense_uid}")
    assert _uid(at, BLOG_FLATTEN + 1) == dense_uid
    assert at.number_input(key=f"build_arg_{dense_uid}_units").value == 128
    assert summarize(_spec(at)).ok
    assert set(_problem_cells(at, "en")) == {6, 8, 10}
    assert not _go_train_disabled(at, "en")

    from cnn_core.model import build_model

    model = build_model(_spec(at))
    # By hand: the new Dense(128) reads the 512 flat values; the old Dense(64) now reads 128.
    expected = 229_834 - (512 * 64 + 64) + (512 * 128 + 128) + (128 * 64 + 64)
    assert _shown_total(at, "en") == model.count_params() == expected
    # Row by row too: the params column follows Keras's layers.
    table = _table(at)
    params = [int(re.sub(r"\D", "", v)) for v in table[locales.t("build.col.params", "en")]]
    shapes = list(table[locales.t("build.col.shape", "en")])
    for row_params, row_shape, name in zip(
        params, shapes, [r.name for r in summarize(_spec(at)).rows], strict=True
    ):
        layer = model.get_layer(name)
        assert row_params == layer.count_params()
        assert row_shape == "x".join(str(v) for v in layer.output.shape[1:])


def test_a_convolution_too_big_for_its_input_is_flagged_in_portuguese():
    at = _open("pt")
    assert _shown_total(at, "pt") == 229_834
    label = locales.t("build.metric.params", "pt")
    assert [m.value for m in at.metric if m.label == label] == ["229.834"]
    uid = _uid(at, 9)  # conv2d_5 sees 5x5 pixels
    at.selectbox(key=f"build_arg_{uid}_kernel_size").set_value(7).run()
    (problem,) = summarize(_spec(at)).errors
    assert (problem.layer_index, problem.code) == (9, "conv_too_small")
    cells = _problem_cells(at, "pt")
    assert cells[9] == "1 erro"
    assert f"{problem.message('pt')} {problem.fix('pt')}" in _texts(at.error)
    assert _go_train_disabled(at, "pt")
    at.selectbox(key=f"build_arg_{uid}_kernel_size").set_value(2).run()
    assert summarize(_spec(at)).ok and not _go_train_disabled(at, "pt")
    assert _shown_total(at, "pt") == 229_834


def test_reorder_duplicate_and_remove_keep_each_layers_values():
    at = _open("en")
    first, second = _uid(at, 0), _uid(at, 2)
    at.number_input(key=f"build_arg_{first}_filters").set_value(77).run()
    at.number_input(key=f"build_arg_{second}_filters").set_value(99).run()
    _click(at, f"build_up_{second}")
    _click(at, f"build_up_{second}")
    layers = _design(at)["spec"]["layers"]
    assert [layers[0].get("filters"), layers[1].get("filters"), layers[2]["type"]] == [
        99,
        77,
        "MaxPooling2D",
    ]
    assert at.number_input(key=f"build_arg_{second}_filters").value == 99
    assert at.number_input(key=f"build_arg_{first}_filters").value == 77

    _click(at, f"build_dup_{first}")
    copy_uid = _uid(at, 2)
    assert copy_uid not in (first, second)
    assert at.number_input(key=f"build_arg_{copy_uid}_filters").value == 77
    at.number_input(key=f"build_arg_{copy_uid}_filters").set_value(55).run()
    assert at.number_input(key=f"build_arg_{first}_filters").value == 77

    _click(at, f"build_rm_{second}")
    layers = _design(at)["spec"]["layers"]
    assert [layers[0]["filters"], layers[1]["filters"]] == [77, 55]
    shapes = list(_table(at)[locales.t("build.col.shape", "en")])
    assert shapes[:2] == ["32x32x77", "32x32x55"]  # the blog's first conv pads ("same")
    assert len(_table(at)) == len(get_preset("blog").layers)


def test_a_link_with_a_design_opens_that_design_without_the_visitor_id():
    design = designs.default_design("lenet")
    design["settings"].update(learning_rate=0.002, augment=True, batch_size=128)
    at = app_test(PAGE, lang="en")
    at.query_params["design"] = designs.encode(design)
    at.run()
    assert not at.exception
    assert _design(at)["spec"] == design["spec"]
    assert _design(at)["settings"] == design["settings"]
    assert at.select_slider(key="build_set_learning_rate").value == 0.002
    assert at.toggle(key="build_set_augment").value is True
    # LeNet-5 on 32x32x3, counted by hand: convs 456 + 2,416, dense 48,120 + 10,164 + 850.
    assert _shown_total(at, "en") == 456 + 2416 + 48120 + 10164 + 850
    name = locales.t("build.current.preset", "en", preset="LeNet-5")
    assert locales.t("build.url.loaded", "en", name=name) in _texts(at.success)
    # The tab that opened the link keeps its language in the URL, never the visitor id.
    assert at.query_params["lang"] in ("en", ["en"])
    assert "vid" not in at.query_params

    (link,) = [c.value for c in at.code if "design=" in c.value]
    assert "vid" not in link
    token = re.search(r"design=([A-Za-z0-9_-]+)", link).group(1)
    assert designs.decode(token) == design
    assert "lang=en" in link


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_malformed_link_says_so_and_keeps_the_current_design(lang):
    at = _open(lang)
    uid = _uid(at, 0)
    at.number_input(key=f"build_arg_{uid}_filters").set_value(64).run()
    before = json.loads(json.dumps(_design(at)["spec"]))
    for bad in ("this-is-not-a-design", designs.encode(designs.default_design())[:-40]):
        at.query_params["design"] = bad
        at.run()
        assert not at.exception
        with pytest.raises(designs.DesignError) as info:
            designs.decode(bad)
        expected = locales.t("build.url.bad", lang, reason=info.value.message(lang))
        assert expected in _texts(at.error)
        assert _design(at)["spec"] == before
        assert at.number_input(key=f"build_arg_{uid}_filters").value == 64


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_bad_json_file_says_so_and_a_good_one_opens(lang):
    at = _open(lang)
    before = json.loads(json.dumps(_design(at)["spec"]))
    uploader = at.file_uploader[0]
    uploader.set_value(("broken.json", b"{oops", "application/json")).run()
    reason = locales.t("build.problem.not_json", lang)
    expected = locales.t("build.file.bad", lang, name="broken.json", reason=reason)
    assert expected in _texts(at.error)
    assert _design(at)["spec"] == before

    # Only .json is offered (Streamlit itself refuses other extensions, e.g. model files).
    assert at.file_uploader[0].allowed_type == [".json"]
    for name, content, code, args in (
        ("list.json", b"[1, 2, 3]", "not_a_design", {}),
        ("huge.json", b" " * (designs.MAX_JSON_BYTES + 1), "too_big", {"kb": 64}),
    ):
        at.file_uploader[0].set_value((name, content, "application/json")).run()
        reason = locales.t(f"build.problem.{code}", lang, **args)
        assert locales.t("build.file.bad", lang, name=name, reason=reason) in _texts(at.error)
        assert _design(at)["spec"] == before

    lenet = designs.default_design("lenet")
    lenet["settings"]["epochs"] = 7
    at.file_uploader[0].set_value(
        ("mine.json", designs.to_json(lenet).encode(), "application/json")
    )
    at.run()
    assert not at.exception
    assert _design(at)["spec"] == lenet["spec"]
    assert at.number_input(key="build_set_epochs").value == 7
    assert locales.t("build.file.loaded", lang, name="mine.json") in _texts(at.success)


def test_downloaded_json_is_the_current_design():
    at = _open("en")
    uid = _uid(at, 0)
    at.number_input(key=f"build_arg_{uid}_filters").set_value(48).run()
    exported = designs.to_json(_design(at))
    assert designs.from_json(exported)["spec"]["layers"][0]["filters"] == 48
    # The URL is kept in sync with every edit (a reload keeps the network).
    assert designs.decode(at.query_params["design"])["spec"] == _design(at)["spec"]


def test_training_settings_flow_into_the_design():
    from cnn_core.train import TrainSettings

    at = _open("en")
    at.selectbox(key="build_set_optimizer").set_value("adam").run()
    at.select_slider(key="build_set_learning_rate").set_value(0.001).run()
    at.select_slider(key="build_set_batch_size").set_value(128).run()
    at.select_slider(key="build_set_train_size").set_value(5000).run()
    at.toggle(key="build_set_augment").set_value(True).run()
    at.number_input(key="build_set_seed").set_value(3).run()
    at.toggle(key="build_set_budget_on").set_value(True).run()
    settings = _design(at)["settings"]
    assert (settings["time_budget_s"], settings["schedule"]) == (120.0, "onecycle")
    at.select_slider(key="build_set_budget_minutes").set_value(5).run()
    at.selectbox(key="build_set_schedule").set_value("cosine").run()
    settings = _design(at)["settings"]
    expected = {
        "optimizer": "adam",
        "learning_rate": 0.001,
        "batch_size": 128,
        "train_size": 5000,
        "augment": True,
        "seed": 3,
        "time_budget_s": 300.0,
        "schedule": "cosine",
    }
    assert {k: settings[k] for k in expected} == expected
    assert TrainSettings.from_dict(settings).to_dict() == settings
    at.toggle(key="build_set_budget_on").set_value(False).run()
    assert _design(at)["settings"]["time_budget_s"] is None
    assert at.number_input(key="build_set_epochs").value == 40


def test_bad_settings_block_training_with_the_reason():
    at = _open("en")
    design = designs.default_design()
    design["settings"]["learning_rate"] = 5.0
    at.session_state["design"] = design
    at.run()
    _, problems = designs.check_settings(design["settings"])
    assert problems[0].message("en") in _texts(at.error)
    assert _go_train_disabled(at, "en")
    assert locales.t("build.go_train.blocked_settings", "en") in _texts(at.caption)


def test_presets_load_and_reset():
    at = _open("en")
    at.select_slider(key="build_set_batch_size").set_value(64).run()
    at.selectbox(key="build_preset").set_value("fast")
    _click(at, "build_preset_load")
    assert _design(at)["spec"] == get_preset("fast").to_dict()
    assert _design(at)["settings"] == designs.preset_settings("fast")  # the fast recipe
    assert at.toggle(key="build_set_whiten").value is True
    assert at.select_slider(key="build_set_low_res").value == pytest.approx(0.7)
    # 1,163,074 weights: written short in the metric box (it must fit), in full in the caption.
    total = summarize(get_preset("fast")).total_params
    (metric,) = [m for m in at.metric if m.label == locales.t("build.metric.params", "en")]
    assert total > 10**6 and metric.value == "1.2 M"
    assert any("1,161,282" in c for c in _texts(at.caption))
    _click(at, "build_reset")
    assert _design(at) | {"uids": None} == designs.default_design() | {"uids": None}


def test_the_design_survives_a_page_switch():
    at = _open("en")
    uid = _uid(at, 0)
    at.number_input(key=f"build_arg_{uid}_filters").set_value(16).run()
    at.switch_page("pages/06_data.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert _design(at)["spec"]["layers"][0]["filters"] == 16
    assert at.number_input(key=f"build_arg_{uid}_filters").value == 16


def test_the_page_does_not_import_tensorflow():
    code = """
import sys
from tests.conftest import app_test
at = app_test("pages/07_build.py", lang="en").run()
uid = at.session_state["design"]["uids"][0]
at.number_input(key=f"build_arg_{uid}_filters").set_value(64).run()
assert not at.exception, at.exception
print("tensorflow" in sys.modules or "keras" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_measure_speed_shows_the_time_per_epoch():
    at = _open("en")
    at.selectbox(key="build_preset").set_value("lenet")
    _click(at, "build_preset_load")
    at.select_slider(key="build_set_train_size").set_value(1000).run()
    _click(at, "build_measure")
    seconds, fresh = at.session_state["build_estimate"][1], True
    assert seconds > 0 and fresh
    labels = [m.label for m in at.metric]
    assert locales.t("build.speed.per_epoch", "en") in labels
    assert locales.t("build.speed.total", "en", epochs=40) in labels


def test_switching_language_keeps_the_design_and_translates_the_table():
    at = _open("en")
    uid = _uid(at, 0)
    at.number_input(key=f"build_arg_{uid}_filters").set_value(77).run()
    at.selectbox(key=f"build_arg_{_uid(at, 1)}_pool_size").set_value(3).run()
    spec = json.loads(json.dumps(_design(at)["spec"]))
    at.radio(key="lang_toggle").set_value("pt").run()
    assert not at.exception
    assert _design(at)["spec"] == spec
    assert at.number_input(key=f"build_arg_{uid}_filters").value == 77
    assert locales.t("build.col.problems", "pt") in _table(at).columns
    assert _shown_total(at, "pt") == summarize(ModelSpec.from_dict(spec)).total_params


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_an_edited_design_from_a_link_is_called_custom_with_its_own_numbers(lang):
    design = designs.default_design("blog")
    design["spec"]["layers"][0].update(filters=32, kernel_size=5, strides=2, padding="valid")
    edited = summarize(ModelSpec.from_dict(design["spec"]))
    at = app_test(PAGE, lang=lang)
    at.query_params["design"] = designs.encode(design)
    at.run()
    assert not at.exception
    title = locales.t(
        "build.current.based_on", lang, preset=locales.t("spec.preset.blog.title", lang)
    )
    assert locales.t("build.url.loaded", lang, name=title) in _texts(at.success)
    captions = _texts(at.caption)
    blog_about = locales.t("spec.preset.blog.about", lang)
    assert blog_about not in captions  # it says 229,834 weights: not this network
    expected = locales.t(
        "build.current.caption",
        lang,
        title=title,
        layers=len(edited.rows),
        # This network cannot be trained (a layer has an error): its count is a lower bound.
        params=locales.t(
            "build.metric.partial", lang, value=locales.format_number(edited.total_params, lang)
        ),
    )
    assert not edited.ok
    assert expected in captions
    assert _shown_total(at, lang) == edited.total_params
    assert edited.total_params != summarize(get_preset("blog")).total_params


def test_reopening_the_same_link_in_the_same_session_shows_no_message():
    design = designs.default_design("lenet")
    at = app_test(PAGE, lang="en")
    at.query_params["design"] = designs.encode(design)
    at.run()
    lenet = locales.t(
        "build.current.preset", "en", preset=locales.t("spec.preset.lenet.title", "en")
    )
    loaded = locales.t("build.url.loaded", "en", name=lenet)
    assert loaded in _texts(at.success)
    at.run()  # a rerun: the message was shown once
    assert loaded not in _texts(at.success)
    # A new session of the same visitor with the token this page last wrote (a reload of one's own
    # tab) restores the design silently.
    token = designs.encode(_design(at))
    vid = at.session_state["vid"]
    again = app_test(PAGE, lang="en")
    again.query_params["design"] = token
    again.session_state["vid"] = vid  # what the visitor's cookie gives a new session
    again.run()
    assert not again.exception
    assert _design(again)["spec"] == design["spec"]
    assert loaded not in _texts(again.success)
    # Someone else (another visitor id) opening the same link is told where it came from.
    other = app_test(PAGE, lang="en")
    other.query_params["design"] = token
    other.run()
    assert loaded in _texts(other.success)


def test_a_broken_network_says_its_figures_are_partial_and_the_output_unknown():
    at = _open("pt")
    at.selectbox(key="build_add_type").set_value("Dense")
    at.selectbox(key="build_add_position").set_value(0)
    _click(at, "build_add")
    summary = summarize(_spec(at))
    assert not summary.ok
    captions = _texts(at.caption)
    assert locales.t("build.summary.partial", "pt") in captions
    unknown = locales.t("build.diagram.out_unknown", "pt")
    assert any(unknown in c for c in captions)
    assert not any(c.endswith("?.") for c in captions)
    label = locales.t("build.metric.params", "pt")
    (metric,) = [m for m in at.metric if m.label == label]
    # The number fits its box; "partial" is written under it, not squeezed in front.
    assert metric.value == locales.format_number(summary.total_params, "pt")
    assert metric.proto.delta == locales.t("build.metric.partial_delta", "pt")


def test_memory_is_in_powers_of_1000_and_every_selectbox_has_a_translated_placeholder():
    from ui.build import fmt_bytes

    assert fmt_bytes(851_496, "pt") == "851,5 kB"
    assert fmt_bytes(1_860_000, "en") == "1.86 MB"
    assert fmt_bytes(999, "en") == "999 B"
    at = _open("pt")
    placeholder = locales.t("build.placeholder", "pt")
    boxes = list(at.selectbox)
    assert len(boxes) > 5
    for box in boxes:
        assert box.proto.placeholder in (placeholder, locales.t("build.preset.placeholder", "pt"))
    assert locales.t("build.file.upload_what", "pt") in _texts(at.caption)


def test_a_recipe_the_network_cannot_use_blocks_training():
    at = _open("en")
    at.toggle(key="build_set_whiten").set_value(True).run()  # the blog's 128 3x3 filters
    message = locales.t("train.error.whiten_filters", "en", filters=128, most=54, kernel="3x3")
    assert message in _texts(at.error)
    assert _go_train_disabled(at, "en")
    at.toggle(key="build_set_whiten").set_value(False).run()
    assert message not in _texts(at.error)
    assert not _go_train_disabled(at, "en")


def _fix_buttons(at) -> dict[str, object]:
    return {b.key: b for b in at.button if str(b.key).startswith("build_fix_")}


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_one_click_fix_inserts_the_missing_flatten_and_the_summary_follows(lang):
    at = _open(lang)
    flatten_uid = _uid(at, BLOG_FLATTEN)
    _click(at, f"build_rm_{flatten_uid}")
    (problem,) = summarize(_spec(at)).errors
    assert problem.code == "dense_needs_flat"
    dense_uid = _uid(at, problem.layer_index)
    label = locales.t("build.fix.dense_needs_flat", lang, layer="dense_1")
    buttons = _fix_buttons(at)
    # One button on the layer's card, one in the list under the table, with stable keys.
    card, listed = (
        f"build_fix_card_{dense_uid}_dense_needs_flat",
        f"build_fix_list_{dense_uid}_dense_needs_flat",
    )
    assert buttons[card].label == buttons[listed].label == label
    assert _go_train_disabled(at, lang)
    _click(at, listed)
    assert not at.exception
    assert _spec(at).layers == get_preset("blog").layers  # the blog's network again
    assert _shown_total(at, lang) == 229_834 and not at.metric[0].proto.delta
    assert not _go_train_disabled(at, lang)
    assert locales.t("build.fix.done", lang, what=label) in _texts(at.success)
    assert _uid(at, BLOG_FLATTEN + 1) == dense_uid  # the dense layer kept its widgets
    assert not [k for k in _fix_buttons(at) if "dense_needs_flat" in k]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_one_click_fix_gives_the_last_dense_one_neuron_per_class_with_softmax(lang):
    at = _open(lang)
    last = _uid(at, len(_spec(at).layers) - 1)
    at.number_input(key=f"build_arg_{last}_units").set_value(5).run()
    at.selectbox(key=f"build_arg_{last}_activation").set_value("relu").run()
    assert {p.code for p in summarize(_spec(at)).problems} >= {"wrong_units", "no_softmax"}
    assert _go_train_disabled(at, lang)
    _click(at, f"build_fix_card_{last}_wrong_units")
    assert not at.exception
    assert _spec(at).layers[-1] == {"type": "Dense", "units": 10, "activation": "softmax"}
    # The layer's widgets show the new values at once.
    assert at.number_input(key=f"build_arg_{last}_units").value == 10
    assert at.selectbox(key=f"build_arg_{last}_activation").value == "softmax"
    assert _shown_total(at, lang) == 229_834
    assert not _go_train_disabled(at, lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_exported_code_is_the_whole_program_with_the_chosen_settings(lang):
    from cnn_core.model import to_keras_code

    at = _open(lang)
    at.selectbox(key="build_set_optimizer").set_value("adam").run()
    at.select_slider(key="build_set_learning_rate").set_value(0.001).run()
    at.select_slider(key="build_set_batch_size").set_value(64).run()
    at.number_input(key="build_set_epochs").set_value(5).run()
    assert not at.exception
    (program,) = [c.value for c in at.code if "load_data()" in c.value]
    design = _design(at)
    assert program.strip() == to_keras_code(_spec(at), design["settings"], lang=lang).strip()
    for part in (
        "keras.datasets.cifar10.load_data()",
        "EPOCHS = 5",
        "BATCH_SIZE = 64",
        "LEARNING_RATE = 0.001",
        "keras.optimizers.Adam(learning_rate=learning_rate)",
        'print(f"Accuracy: {accuracy * 100:.2f}% | Loss: {loss:.5f}")',
        "# " + locales.t("code.split", lang, count=locales.format_number(5000, lang)),
    ):
        assert part in program, part
    (download,) = [
        b
        for b in at.get("download_button")
        if b.proto.label == locales.t("build.code.download", lang)
    ]
    assert download.proto.id


def test_exported_code_waits_for_a_network_without_errors():
    at = _open("pt")
    _click(at, f"build_rm_{_uid(at, BLOG_FLATTEN)}")
    assert not [c for c in at.code if "load_data()" in c.value]
    assert locales.t("build.code.blocked", "pt") in _texts(at.info)


@pytest.mark.parametrize(("lang", "shown"), [("pt", "0,25"), ("en", "0.25")])
def test_dropout_rate_slider_shows_the_languages_decimal_mark(lang, shown):
    at = _open(lang)
    uid = _uid(at, 4)  # dropout_1 of the blog's network, rate 0.25
    rate = at.select_slider(key=f"build_arg_{uid}_rate")
    assert rate.value == 0.25
    assert rate.proto.options[5] == shown  # 0, 0.05, ..., 0.9: the sixth step
    rate.set_value(0.5).run()
    assert _design(at)["spec"]["layers"][4]["rate"] == 0.5
