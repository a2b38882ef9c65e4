"""The Train page with a fake engine: states, live curves, stop, history, compare, delete."""

from __future__ import annotations

import json

import pytest

from cnn_core import locales
from tests.app import fake_engine as fe
from tests.conftest import app_test

PAGE = "pages/08_train.py"
VID = "testvisitor0123456789"
TINY_SPEC = {
    "name": "tiny",
    "input_shape": [32, 32, 3],
    "num_classes": 10,
    "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
}


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch):
    from cnn_core.train import settings as train_settings

    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", fe.MODULE)
    # A one-epoch demo of 4 fake batches, so each test decides every batch the page sees.
    monkeypatch.setattr(train_settings, "quick_demo_settings", fe.quick_demo_settings)
    fe.reset()
    yield fe
    fe.reset()


def open_train(lang: str = "en"):
    at = app_test(PAGE, lang=lang)
    at.session_state["vid"] = VID
    return at.run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def figures(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def start_design(at):
    """Clicks "Train this network" and, for a long run, says yes to the confirmation."""
    at.button(key="train_start").click().run()
    no_errors(at)
    if [b for b in at.button if b.key == "train_confirm_start"]:
        at.button(key="train_confirm_start").click().run()
    return at


def start_quick(at):
    at.button(key="train_quick").click().run()
    no_errors(at)
    return at


def test_start_shows_running_state_progress_and_charts():
    at = open_train()
    no_errors(at)
    assert fe.list_runs(VID) == []
    start_quick(at)
    assert [r.status for r in fe.list_runs(VID)] == ["running"]
    assert locales.t("trainp.state.running", "en") in texts(at.info)
    assert at.button(key="train_stop")
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert locales.t("trainp.chart.loss", "en") in titles
    assert locales.t("trainp.chart.accuracy", "en") in titles
    # The start button is gone while the visitor's run trains: no second job.
    assert not [b for b in at.button if b.key == "train_start"]


def test_live_update_follows_the_engine():
    at = start_quick(open_train())
    fe.advance(3)
    at.run()
    loss, acc = fe._curve(3)
    val_loss, val_acc = fe._curve(2)  # the early validation point after batch 2
    captions = texts(at.caption)
    # Shorter than an epoch so far: counted in images seen (3 batches of 32), not "0.75 epoch".
    images = locales.t("trainp.caption.images", "en", images="96")
    val = locales.t("trainp.caption.val_loss", "en", value=f"{val_loss * 1.15:.3f}", n="500")
    train = locales.t("trainp.caption.train_loss", "en", value=f"{loss:.3f}")
    assert f"{images} {train} {val}" in captions
    val = locales.t(
        "trainp.caption.val_accuracy", "en", value=f"{100 * val_acc * 0.85:.1f}%", n="500"
    )
    train = locales.t("trainp.caption.train_accuracy", "en", value=f"{100 * acc:.1f}%")
    assert f"{images} {train} {val}" in captions
    loss_fig = next(
        f
        for f in figures(at)
        if f["layout"]["title"]["text"] == locales.t("trainp.chart.loss", "en")
    )
    per_batch, early = loss_fig["data"][:2]
    assert per_batch["y"] == pytest.approx([fe._curve(s)[0] for s in (1, 2, 3)])
    assert per_batch["x"] == [32, 64, 96]
    assert loss_fig["layout"]["xaxis"]["title"]["text"] == locales.t("trainp.axis.images", "en")
    # The validation curve is there before the first epoch ends.
    assert early["name"] == locales.t("trainp.curve.val_sample", "en", n="500")
    assert early["x"] == [64] and early["y"] == pytest.approx([val_loss * 1.15])

    fe.advance(1)  # completes epoch 1 -> per-epoch points appear, the axis counts epochs
    at.run()
    loss, _ = fe._curve(4)
    assert locales.t(
        "trainp.caption.loss", "en", epoch=1, train=f"{loss:.3f}", val=f"{loss * 1.1:.3f}"
    ) in texts(at.caption)
    loss_fig = next(
        f
        for f in figures(at)
        if f["layout"]["title"]["text"] == locales.t("trainp.chart.loss", "en")
    )
    assert loss_fig["layout"]["xaxis"]["title"]["text"] == locales.t("trainp.axis.epoch", "en")
    assert loss_fig["data"][0]["x"][-1] == pytest.approx(1.0)


def test_stop_keeps_the_run_and_shows_stopped():
    at = start_quick(open_train())
    fe.advance(2)
    at.run()
    at.button(key="train_stop").click().run()
    no_errors(at)
    assert fe.list_runs(VID)[0].status == "stopping"
    fe.advance(1)
    at.run()
    no_errors(at)
    assert fe.list_runs(VID)[0].status == "stopped"
    assert locales.t("trainp.state.stopped", "en", epochs=0) in texts(at.warning)
    # Back to the start button, and the stopped run is in the history.
    assert at.button(key="train_start")
    table = at.dataframe[0].value  # the history table comes first
    assert list(table[locales.t("trainp.col.status", "en")]) == [
        locales.t("train.status.stopped", "en")
    ]


def test_diverged_run_explains_and_advises():
    fe.script = "diverge"
    at = start_quick(open_train())
    fe.advance(5)
    at.run()
    no_errors(at)
    assert locales.t("trainp.state.diverged", "en") in texts(at.error)
    advice = "\n".join(texts(at.markdown))
    for key in fe.ADVICE:
        assert locales.t(key, "en") in advice


def test_failed_run_gives_the_reason_without_traceback():
    fe.script = "fail"
    at = start_quick(open_train("pt"))
    fe.advance(3)
    at.run()
    no_errors(at)
    expected = locales.t("trainp.state.failed", "pt", reason=locales.t(fe.FAIL_KEY, "pt"))
    assert expected in texts(at.error)
    assert not any("Traceback" in m for m in texts(at.error) + texts(at.markdown))


def test_busy_slot_offers_retry_and_starts_nothing():
    fe.busy = True
    at = open_train()
    start_design(at)
    no_errors(at)
    assert locales.t("trainp.state.busy", "en") in texts(at.warning)
    assert fe.list_runs(VID) == []
    fe.busy = False
    at.button(key="train_retry").click().run()
    no_errors(at)
    runs = fe.list_runs(VID)
    assert len(runs) == 1 and runs[0].spec["name"] == "blog"
    assert locales.t("trainp.state.busy", "en") not in texts(at.warning)


def test_reload_reattaches_to_the_running_job():
    start_quick(open_train())
    fe.advance(2)
    again = open_train()  # a new session (reload) with the same visitor id in the URL
    no_errors(again)
    assert locales.t("trainp.state.running", "en") in texts(again.info)
    assert again.button(key="train_stop")


def test_compare_two_runs_overlays_their_validation_curves():
    first = fe.add_finished_run(TINY_SPEC, VID, epochs=2)
    second = fe.add_finished_run(TINY_SPEC, VID, epochs=3)
    at = open_train()
    no_errors(at)
    at.multiselect(key="train_compare").select(first).select(second).run()
    no_errors(at)
    title = locales.t("trainp.compare.chart.accuracy", "en")
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"] == title)
    assert [trace["name"] for trace in fig["data"]] == [first, second]
    expected = [
        [100 * e["val_accuracy"] for e in fe.load_run(rid, VID).epoch_log]
        for rid in (first, second)
    ]
    assert [trace["y"] for trace in fig["data"]] == [pytest.approx(e) for e in expected]
    colors = [trace["line"]["color"] for trace in fig["data"]]
    assert len(set(colors)) == 2
    side_by_side = at.dataframe[1].value  # after the history table
    assert list(side_by_side.columns) == [first, second]


def test_delete_needs_confirmation():
    run_id = fe.add_finished_run(TINY_SPEC, VID)
    at = open_train()
    assert at.button(key="train_delete").disabled
    at.checkbox(key="train_delete_confirm").check().run()
    at.button(key="train_delete").click().run()
    no_errors(at)
    assert fe.list_runs(VID) == []
    assert locales.t("trainp.delete.done", "en", run=run_id) in texts(at.success)


def test_continue_training_adds_epochs():
    run_id = fe.add_finished_run(TINY_SPEC, VID, epochs=2)
    at = open_train()
    at.number_input(key="train_continue_epochs").set_value(3).run()
    at.button(key="train_continue").click().run()
    no_errors(at)
    assert fe.load_run(run_id, VID).status == "running"
    assert locales.t("trainp.state.running", "en") in texts(at.info)
    fe.advance(3 * fe.BATCHES_PER_EPOCH)
    at.run()
    assert len(fe.load_run(run_id, VID).epoch_log) == 5


def test_design_from_build_page_is_what_trains():
    at = app_test(PAGE, lang="en")
    at.session_state["vid"] = VID
    settings = {**fe.TrainSettings(epochs=7, optimizer="sgd_momentum").to_dict()}
    at.session_state["design"] = {"spec": TINY_SPEC, "settings": settings}
    at.run()
    no_errors(at)
    assert at.button(key="train_quick")  # the short first run stays the main action
    start_design(at)
    run = fe.list_runs(VID)[0]
    assert run.spec["name"] == "tiny" and run.settings["epochs"] == 7
    assert run.settings["optimizer"] == "sgd_momentum"


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_state_renders_in_both_languages(lang):
    """Walk through every state; a missing catalog key would raise and show as an exception."""
    fe.add_finished_run(TINY_SPEC, VID)
    at = open_train(lang)
    no_errors(at)
    for script in ("normal", "diverge", "fail"):
        fe.script = script
        start_quick(at)
        fe.advance(2)
        at.run()
        no_errors(at)
        if script == "normal":
            at.button(key="train_stop").click().run()
            fe.advance(1)
            at.run()
            no_errors(at)
    shown = " ".join(texts(at.markdown) + texts(at.caption) + texts(at.error) + texts(at.info))
    assert locales.t("trainp.history.title", lang) in texts(at.header)
    other = "en" if lang == "pt" else "pt"
    assert locales.t("trainp.intro", other) not in shown


def test_streamlit_cleanup_leaves_keras_alone(monkeypatch):
    """Streamlit clears Keras's session after every script run, which starved the training
    thread and emptied the kernel cache of every cached model; the frame turns that off."""
    import sys
    import types

    from streamlit.runtime.scriptrunner import script_runner

    calls = []
    fake_keras = types.SimpleNamespace(
        backend=types.SimpleNamespace(clear_session=lambda: calls.append("clear"))
    )
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    at = open_train("en")  # any page run installs the adjustment (once per process)
    no_errors(at)
    script_runner._clean_problem_modules()
    assert calls == []


# --- After the QA pass -------------------------------------------------------------------------


def page_links(at) -> list[str]:
    """The labels of the page links in the page body (the sidebar has its own)."""
    return [e.proto.label for e in at.main.get("page_link")]


def history_row(at) -> dict:
    return at.dataframe[0].value.iloc[0].to_dict()


def test_quick_demo_that_ran_out_of_time_mid_epoch_is_evaluable():
    """A time budget that ends the run inside epoch 1 still gives a model the Evaluate page
    lists; the state says how far it got, once; the table shows its validation accuracy."""
    fe.script, fe.seconds_per_batch = "time_up", 10.0
    at = start_quick(open_train())
    fe.advance(5)  # 30 s budget at 10 s a batch: ends after batch 3 of 4
    at.run()
    no_errors(at)
    info = fe.list_runs(VID)[0]
    assert info.status == "finished" and info.epoch_log[-1]["partial"]
    val = info.epoch_log[-1]["val_accuracy"]
    done = locales.t("trainp.done.partial_batches", "en", batches="3", epoch=1)
    expected = locales.t(
        "trainp.state.time_up", "en", budget="30 s", done=done, val=f"{100 * val:.1f}%"
    )
    assert texts(at.success) == [expected]
    assert locales.t("train.msg.time_up", "en", seconds=30) not in texts(at.caption)
    assert locales.t("trainp.to_evaluate", "en") in page_links(at)
    assert history_row(at)[locales.t("trainp.col.val_acc", "en")] == f"{100 * val:.1f}%"

    from tests.app.test_evaluate_page import open_evaluate

    ev = open_evaluate()
    no_errors(ev)
    options = ev.selectbox(key="evaluate_model").options
    label = locales.t(
        "evalp.choice.run",
        "en",
        label=f"{info.run_id} · {locales.t('spec.preset.fast_small.title', 'en')}",
        epochs=done,
    )
    assert label in options


def test_stop_mid_epoch_is_said_once_and_keeps_the_partial_score():
    fe.log_partial = True
    at = start_quick(open_train())
    fe.advance(2)
    at.run()
    at.button(key="train_stop").click().run()
    fe.advance(1)
    at.run()
    no_errors(at)
    info = fe.list_runs(VID)[0]
    assert info.status == "stopped" and info.epoch_log[-1]["partial"]
    expected = locales.t("trainp.state.stopped_mid", "en", epoch=1, batches="2")
    assert texts(at.warning) == [expected]
    engine_sentence = locales.t("train.msg.stopped", "en", epoch=1)
    shown = texts(at.caption) + texts(at.markdown) + texts(at.info) + texts(at.warning)
    assert engine_sentence not in shown
    val = info.epoch_log[-1]["val_accuracy"]
    assert history_row(at)[locales.t("trainp.col.val_acc", "en")] == f"{100 * val:.1f}%"
    assert locales.t("trainp.to_evaluate", "en") in page_links(at)
    # The real engine does not (yet) log how many batches the last epoch got through.
    del info.epoch_log[-1]["batches"]
    at.run()
    no_errors(at)
    assert texts(at.warning) == [locales.t("trainp.state.stopped_mid_nobatch", "en", epoch=1)]


def test_a_run_without_a_model_has_no_link_to_evaluate():
    fe.script = "fail"
    at = start_quick(open_train())
    fe.advance(3)
    at.run()
    no_errors(at)
    assert not fe.list_runs(VID)[0].has_model
    assert locales.t("trainp.to_evaluate", "en") not in page_links(at)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_reload_restores_the_design_from_the_url(lang):
    from cnn_core.design import default_design, encode

    design = default_design("lenet")
    at = app_test(PAGE, lang=lang)
    at.session_state["vid"] = VID
    at.query_params["design"] = encode(design)
    at.run()
    no_errors(at)
    title = locales.t("spec.preset.lenet.title", lang)
    assert any(m.startswith(f"**{title}**") for m in texts(at.markdown))
    assert at.query_params["design"] == encode(design)
    start_design(at)
    assert fe.list_runs(VID)[0].spec == design["spec"]


def test_a_bad_design_link_falls_back_to_the_blog_and_says_why():
    at = app_test(PAGE, lang="pt")
    at.session_state["vid"] = VID
    at.query_params["design"] = "not-a-design"
    at.run()
    no_errors(at)
    warning = texts(at.warning)
    prefix = locales.t("trainp.url_bad", "pt", reason="").strip()
    assert any(w.startswith(prefix) for w in warning), warning
    title = locales.t("spec.preset.blog.title", "pt")
    assert any(m.startswith(f"**{title}**") for m in texts(at.markdown))
    assert at.button(key="train_quick")  # the default design's quick demo is still offered


def test_a_design_from_build_is_kept_in_the_url():
    from cnn_core.design import encode

    at = app_test(PAGE, lang="en")
    at.session_state["vid"] = VID
    design = {"spec": TINY_SPEC, "settings": fe.TrainSettings(epochs=3).to_dict()}
    at.session_state["design"] = design
    at.run()
    no_errors(at)
    assert at.query_params["design"] == encode(at.session_state["design"])


def test_quick_demo_box_describes_the_run_and_the_table_its_live_status(monkeypatch):
    import dataclasses

    at = start_quick(open_train())
    fe.advance(1)
    stored = fe.list_runs
    # The stored record can lag behind the live run (the real one said "queued").
    monkeypatch.setattr(
        fe,
        "list_runs",
        lambda *a, **k: [dataclasses.replace(i, status="queued") for i in stored(*a, **k)],
    )
    at.run()
    no_errors(at)
    assert locales.t("trainp.design_title_running", "en") in [s.value for s in at.subheader]
    fast = locales.t("spec.preset.fast_small.title", "en")
    assert any(m.startswith(f"**{fast}**") for m in texts(at.markdown))
    blog = locales.t("spec.preset.blog.title", "en")
    assert not any(m.startswith(f"**{blog}**") for m in texts(at.markdown))
    # The demo's own settings (3,000 images, 30 s), not the session's blog settings (40 epochs).
    shown = " ".join(texts(at.caption))
    assert locales.t("trainp.settings_images", "en", n="3,000") in shown
    assert locales.t("trainp.settings_budget", "en", time="30 s") in shown
    assert "40 epochs" not in shown
    assert history_row(at)[locales.t("trainp.col.status", "en")] == locales.t(
        "train.status.running", "en"
    )
    assert history_row(at)[locales.t("trainp.col.model", "en")] == fast


def progress(at):
    bar = at.get("progress")[0].proto
    return bar.value, bar.text


def test_progress_bar_and_text_tell_the_same_story():
    at = start_quick(open_train())  # quick demo: 30 s budget, 1 fake second per batch
    fe.advance(2)
    at.run()
    value, text = progress(at)
    assert value == 50  # 2 of 4 batches is further than 2 of 30 seconds
    assert text == locales.t(
        "trainp.progress_budget",
        "en",
        used="2 s",
        budget="30 s",
        images="64",
        epoch=1,
        epochs=1,
        batch=2,
        batches=fe.BATCHES_PER_EPOCH,
    )
    fe.set_phase("train.msg.evaluating")
    at.run()
    assert progress(at) == (100, locales.t("trainp.progress.evaluating", "en"))


def test_time_budget_used_up_says_it_is_finishing():
    fe.seconds_per_batch = 12.0
    at = start_quick(open_train("pt"))
    fe.advance(1)
    at.run()
    value, text = progress(at)
    assert value == 40  # 12 of 30 seconds is further than 1 of 4 batches
    assert text.startswith(
        locales.t(
            "trainp.progress_budget",
            "pt",
            used="12 s",
            budget="30 s",
            images="32",
            epoch=1,
            epochs=1,
            batch=1,
            batches=4,
        )
    )
    fe.advance(2)  # 36 s: past the budget, the engine is wrapping up
    at.run()
    assert progress(at) == (100, locales.t("trainp.progress.finishing", "pt", budget="30 s"))


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_readable_names_and_placeholders(lang):
    fe.add_finished_run(TINY_SPEC, VID)
    at = open_train(lang)
    no_errors(at)
    fast = locales.t("spec.preset.fast_small.title", lang)
    quick = locales.t("trainp.quick_demo_help", lang, name=fast, text="")
    assert any(c.startswith(quick.strip()) for c in texts(at.caption))
    assert not any("«" in c or "preset" in c for c in texts(at.caption))
    choose = locales.t("trainp.choose", lang)
    for widget in (
        at.multiselect(key="train_compare"),
        at.selectbox(key="train_continue_run"),
        at.selectbox(key="train_delete_run"),
    ):
        assert widget.proto.placeholder == choose


@pytest.mark.parametrize(("lang", "separators"), [("pt", ",."), ("en", ".,")])
def test_every_chart_uses_the_language_decimal_separator(lang, separators):
    first = fe.add_finished_run(TINY_SPEC, VID, epochs=2)
    second = fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    at = start_quick(open_train(lang))
    fe.advance(2)
    at.run()
    at.multiselect(key="train_compare").select(first).select(second).run()
    no_errors(at)
    figs = figures(at)
    assert len(figs) == 4  # live loss and accuracy, compared accuracy and loss
    assert {f["layout"]["separators"] for f in figs} == {separators}


def test_an_unavailable_backend_is_explained_not_a_traceback(monkeypatch):
    monkeypatch.delenv("CNN_STUDIO_FAKE_ENGINE")
    monkeypatch.setenv("CNN_STUDIO_RAY_ADDRESS", "127.0.0.1:1")
    from cnn_core.train import engine as train_engine

    def missing(address):
        raise train_engine.EngineUnavailableError("Ray is not installed")

    monkeypatch.setattr(train_engine, "_ray", missing)
    train_engine.reset_engine()
    at = open_train("pt")
    no_errors(at)
    expected = locales.t("train.error.backend", "pt", detail="Ray is not installed")
    assert expected in texts(at.error)
    assert not [b for b in at.button if b.key == "train_start"]
    train_engine.reset_engine()


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_an_interrupted_run_says_whether_weights_were_kept(lang):
    """A restart in the first epoch left no weights: the page must not claim it kept some."""
    at = start_design(open_train(lang))
    fe.advance(2)  # half of the first epoch
    (run,) = fe._RUNS.values()
    run.info.status, run.message_key = "interrupted", "runs.msg.interrupted_early"
    run.message_args = {"epochs": 0}
    at.run()
    no_errors(at)
    early = locales.t(
        "trainp.state.interrupted_early", lang, button=locales.t("trainp.start", lang)
    )
    assert early in texts(at.warning)
    assert locales.t("trainp.state.interrupted", lang, epochs=0) not in texts(at.warning)
    assert locales.t("runs.msg.interrupted_early", lang, epochs=0) in texts(at.caption)
