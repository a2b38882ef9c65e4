"""The Train page on the learner's path (issue 14): a short first run always at hand, a long run
that says how long and asks first, validation from the first seconds, a history that agrees with
the live panel and fits, one name for a network on Build and Train."""

from __future__ import annotations

import json

import pytest

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.admission import estimate_run
from cnn_core.spec import ModelSpec
from tests.app import fake_engine as fe
from tests.app.test_train_page import (
    TINY_SPEC,
    VID,
    fake_engine,  # noqa: F401  (the autouse fixture)
    no_errors,
    start_quick,
    texts,
)
from tests.conftest import app_test

PAGE = "pages/08_train.py"
LANGS = ["pt", "en"]


def open_with(design: dict | None, lang: str):
    at = app_test(PAGE, lang=lang)
    at.session_state["vid"] = VID
    if design is not None:
        at.session_state["design"] = design
    return at.run()


def edited_blog() -> dict:
    design = designs.default_design("blog")
    design["spec"]["layers"][0]["filters"] = 64
    return design


def figure(at, metric: str, lang: str) -> dict:
    title = locales.t(f"trainp.chart.{metric}", lang)
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    return next(f for f in specs if f["layout"]["title"]["text"] == title)


@pytest.mark.parametrize("lang", LANGS)
def test_the_quick_demo_stays_the_main_action_after_the_build_page(lang):
    at = open_with(edited_blog(), lang)
    no_errors(at)
    quick, own = at.button(key="train_quick"), at.button(key="train_start")
    assert quick.proto.type == "primary" and own.proto.type != "primary"
    assert quick.label == locales.t("trainp.quick_demo", lang)
    # The network has the Build page's name on this page too.
    name = locales.t(
        "build.current.based_on", lang, preset=locales.t("spec.preset.blog.title", lang)
    )
    assert any(m.startswith(f"**{name}**") for m in texts(at.markdown))
    start_quick(at)
    (run,) = fe.list_runs(VID)
    assert run.spec["name"] == "fast_small" and run.settings["time_budget_s"] == 30


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_run_says_how_long_and_asks_before_it_starts(lang):
    design = designs.default_design("blog")  # 40 epochs of the blog's model: hours
    at = open_with(design, lang)
    estimate = estimate_run(ModelSpec.from_dict(design["spec"]), design["settings"])
    seconds = min(estimate.total_s, estimate.cap_s)
    assert seconds > 120
    shown = locales.format_duration(seconds, lang, rough=True)
    assert locales.t("trainp.expected", lang, time=shown) in texts(at.caption)
    at.button(key="train_start").click().run()
    no_errors(at)
    assert fe.list_runs(VID) == []  # nothing started yet
    assert locales.t("trainp.confirm.text", lang, time=shown) in texts(at.warning)
    at.button(key="train_confirm_cancel").click().run()
    assert fe.list_runs(VID) == []
    assert not [b for b in at.button if b.key == "train_confirm_start"]
    at.button(key="train_start").click().run()
    at.button(key="train_confirm_start").click().run()
    no_errors(at)
    (run,) = fe.list_runs(VID)
    assert run.spec == design["spec"] and run.settings["epochs"] == 40


def test_a_short_run_of_the_design_starts_at_once():
    settings = fe.TrainSettings(epochs=3, train_size=1000, time_budget_s=20).to_dict()
    at = open_with({"spec": TINY_SPEC, "settings": settings}, "en")
    at.button(key="train_start").click().run()
    no_errors(at)
    assert [r.spec["name"] for r in fe.list_runs(VID)] == ["tiny"]
    assert not [b for b in at.button if b.key == "train_confirm_start"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_blogs_own_design_puts_nothing_in_the_address(lang):
    at = open_with(designs.default_design("blog"), lang)
    no_errors(at)
    assert "design" not in at.query_params
    edited = edited_blog()
    at.session_state["design"] = edited
    at.run()
    assert designs.decode(at.query_params["design"])["spec"] == edited["spec"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_validation_curve_comes_before_the_first_epoch_ends(lang):
    at = start_quick(open_with(None, lang))
    fe.advance(2)  # half of the only epoch
    at.run()
    no_errors(at)
    fig = figure(at, "accuracy", lang)
    sample = locales.t("trainp.curve.val_sample", lang, n=locales.format_number(500, lang))
    (early,) = [d for d in fig["data"] if d["name"] == sample]
    assert early["x"] == [64]  # after 2 batches of 32 images
    assert fig["layout"]["xaxis"]["title"]["text"] == locales.t("trainp.axis.images", lang)
    # A time-budgeted run does not promise "up to 1 epochs": its settings line says its time.
    line = locales.t(
        "trainp.settings_line", lang, dataset="d", optimizer="o", lr="1", batch=2, epochs=1
    )
    promise = line.split("·")[-1].strip()  # "up to 1 epochs."
    captions = texts(at.caption)
    assert not any(promise in c for c in captions)
    budget = locales.t("trainp.settings_budget", lang, time="30 s")
    assert any(budget in c for c in captions)


@pytest.mark.parametrize("lang", LANGS)
def test_history_agrees_with_the_live_panel_and_fits(lang):
    at = start_quick(open_with(None, lang))
    run = fe._RUNS[fe.list_runs(VID)[0].run_id]
    run.info.status = "queued"  # as the real engine is while it builds the model
    fe.set_phase("train.msg.building")
    at.run()
    no_errors(at)
    # "Building the model and getting TensorFlow ready" is said once (the progress bar), not twice.
    building = locales.t("train.msg.building", lang)
    said = [e.proto.text for e in at.get("progress")] + texts(at.caption) + texts(at.info)
    assert sum(building in s for s in said) == 1
    run.info.status = "running"
    fe.set_phase("train.msg.training")
    at.run()
    no_errors(at)
    table = at.dataframe[0].value
    status = locales.t("trainp.col.status", lang)
    assert list(table[status]) == [locales.t("train.status.running", lang)]
    assert locales.t("trainp.state.running", lang) in texts(at.info)
    # The columns that matter, validation and test among them, and no others.
    keys = ["run", "model", "status", "epochs", "val_acc", "test_acc", "params", "dataset"]
    assert list(table.columns) == [locales.t(f"trainp.col.{k}", lang) for k in keys]


@pytest.mark.parametrize("lang", LANGS)
def test_a_run_ended_inside_an_epoch_reads_plainly(lang):
    fe.script, fe.seconds_per_batch = "time_up", 10.0
    at = start_quick(open_with(None, lang))
    fe.advance(5)  # 30 s at 10 s a batch: ends after batch 3 of 4
    at.run()
    no_errors(at)
    cell = at.dataframe[0].value.iloc[0][locales.t("trainp.col.epochs", lang)]
    assert cell == locales.t("trainp.col.epochs_part", lang, full=0, batches="3")
    assert "+/" not in cell


@pytest.mark.parametrize("lang", LANGS)
def test_continuing_a_run_states_its_expected_duration(lang):
    run_id = fe.add_finished_run(TINY_SPEC, VID)
    at = open_with(None, lang)
    no_errors(at)
    at.number_input(key="train_continue_epochs").set_value(7).run()
    info = fe.load_run(run_id, VID)
    estimate = estimate_run(ModelSpec.from_dict(info.spec), info.settings, extra_epochs=7)
    seconds = min(estimate.total_s, estimate.cap_s)
    shown = locales.format_duration(seconds, lang, rough=True)
    assert locales.t("trainp.expected", lang, time=shown) in texts(at.caption)
