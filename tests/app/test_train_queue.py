"""The Train page's waiting view: place in line, estimated wait, Cancel; the run cap's reason."""

from __future__ import annotations

import pytest

from cnn_core import locales
from cnn_core.scheduler import OwnerBusyError
from tests.app import fake_engine as fe
from tests.app.test_train_page import (
    fake_engine,
    no_errors,
    open_train,
    start_design,
    start_quick,
    texts,
)

__all__ = ["fake_engine"]  # the autouse fixture: the pages get the fake engine


def shown(at) -> str:
    return " ".join(
        texts(at.info)
        + texts(at.caption)
        + texts(at.markdown)
        + texts(at.success)
        + texts(at.error)
    )


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_full_host_puts_the_run_in_line_with_place_and_wait(lang, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_TRAIN_SLOTS", "1")
    fe.waiting_ahead, fe.waiting_eta_s = 2, 125.0
    at = start_quick(open_train(lang))
    wait = locales.format_duration(125, lang)
    assert locales.t("queue.page.waiting", lang, position="2", wait=wait) in texts(at.info)
    assert locales.t("queue.page.waiting_help", lang, slots="1") in texts(at.caption)
    assert at.button(key="train_cancel")
    # Waiting is not training: no Stop button, no progress bar, no start buttons.
    assert not at.get("progress")
    for key in ("train_stop", "train_start", "train_quick"):
        with pytest.raises(KeyError):
            at.button(key=key)
    # The line moves: the page shows the new place and wait on its next redraw.
    fe.waiting_eta_s = 40.0
    fe.let_in()
    at.run()
    no_errors(at)
    wait = locales.format_duration(40, lang)
    assert locales.t("queue.page.waiting", lang, position="1", wait=wait) in texts(at.info)
    # Its turn: the run starts by itself and the page follows it.
    fe.let_in()
    fe.advance(2)
    at.run()
    no_errors(at)
    assert locales.t("trainp.state.running", lang) in texts(at.info)
    assert at.button(key="train_stop")


def test_an_unknown_wait_is_said_plainly():
    fe.waiting_ahead, fe.waiting_eta_s = 1, None
    at = start_quick(open_train())
    assert locales.t("queue.page.waiting_unknown", "en", position="1") in texts(at.info)
    assert "nan" not in shown(at).lower() and "None" not in shown(at)


def test_cancel_leaves_the_line_and_trains_nothing():
    fe.waiting_ahead = 3
    at = start_quick(open_train())
    at.button(key="train_cancel").click().run()
    no_errors(at)
    run = fe.list_runs("testvisitor0123456789")[0]
    assert run.status == "cancelled" and run.epoch_log == []
    assert locales.t("queue.msg.cancelled", "en") in texts(at.info)
    assert at.button(key="train_quick")  # free to start again
    fe.let_in(), fe.let_in(), fe.let_in()
    assert fe.list_runs("testvisitor0123456789")[0].status == "cancelled"


def test_a_reload_keeps_the_place_in_line():
    fe.waiting_ahead = 2
    start_quick(open_train())
    again = open_train()  # a new session (reload) with the same visitor
    no_errors(again)
    assert any(m.startswith("In line: you are number 2") for m in texts(again.info))
    assert again.button(key="train_cancel")


def test_a_second_run_of_the_same_visitor_is_refused_in_their_language(monkeypatch):
    def refuse(spec, settings, *, owner, tags=None):
        raise OwnerBusyError("run001")

    monkeypatch.setattr(fe, "start_training", refuse)
    at = open_train("pt")
    start_design(at)
    no_errors(at)
    assert any(locales.t("queue.error.owner_busy", "pt") in m for m in texts(at.error))


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_run_ended_by_the_cap_says_why_and_that_its_test_was_a_sample(lang):
    fe.script = "capped"
    at = start_quick(open_train(lang))
    fe.advance(3)
    at.run()
    no_errors(at)
    reason = locales.t("queue.msg.capped", lang, seconds=600, epoch=1)
    assert reason in texts(at.info)
    n, total = locales.format_number(2500, lang), locales.format_number(10_000, lang)
    sample = locales.t("queue.msg.test_subsample", lang, n=n, total=total)
    assert sample in texts(at.caption)
    assert at.get("code")  # the blog-style test line is still there


def test_the_cap_is_announced_under_the_start_buttons(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "300")
    at = open_train()
    limit = locales.format_duration(300, "en")
    assert locales.t("queue.page.cap_note", "en", limit=limit) in texts(at.caption)
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "off")
    at = open_train()
    assert not any("at most" in c for c in texts(at.caption))
