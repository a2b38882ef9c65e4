"""Pages and the host's safety: admission refusals shown, visitor text never live Markdown."""

from __future__ import annotations

import pytest

from cnn_core import admission, locales
from tests.conftest import app_test

BUILD = "pages/07_build.py"


@pytest.fixture(autouse=True)
def _known_host(monkeypatch):
    for name in (admission.MAX_RUN_ENV, admission.MAX_TRAIN_ENV, admission.MACS_PER_S_ENV):
        monkeypatch.delenv(name, raising=False)
    admission._forget_measurements()
    yield
    admission._forget_measurements()


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_build_page_shows_what_the_host_will_not_run(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "20")
    at = app_test(BUILD, lang="en").run()
    assert not at.exception, at.exception
    shown = " ".join(_errors(at))
    assert "20 s" in shown and "first epoch" in shown  # what, by how much
    assert "fewer filters" in shown  # and a fix


def test_build_page_speed_measurement_goes_through_admission(monkeypatch):
    from cnn_core import train

    def explode(*args, **kwargs):
        raise AssertionError("a refused measurement must not build a model")

    monkeypatch.setattr(train, "estimate_epoch_seconds", explode)
    monkeypatch.setenv("CNN_STUDIO_MACS_PER_S", "1e7")  # a very slow host
    at = app_test(BUILD, lang="pt").run()
    at.button(key="build_measure").click().run()
    assert not at.exception, at.exception
    err = admission.AdmissionError("measure_time", need_s=1, limit_s=60, times=1)
    start = err.message("pt").split("{")[0][:25]
    assert any(start in text for text in _errors(at)), _errors(at)
    assert locales.t("admission.fix.measure_time", "pt") in " ".join(_errors(at))
