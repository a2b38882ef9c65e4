"""Pages and the host's safety: admission refusals shown, visitor text never live Markdown."""

from __future__ import annotations

import base64
import io
import json
import re
import tomllib
import zlib

import pytest
from PIL import Image

from cnn_core import admission, locales
from cnn_core import design as designs
from tests.conftest import ROOT, app_test

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
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "10")
    at = app_test(BUILD, lang="en").run()
    assert not at.exception, at.exception
    shown = " ".join(_errors(at))
    assert "10 s" in shown and "4,000 images" in shown  # what, by how much
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


HOSTILE = "[Session expired: sign in again](https://example.invalid)"
LIVE_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")


def _hostile_link() -> str:
    design = designs.default_design("blog")
    design["spec"]["layers"][0][HOSTILE] = 1  # an unknown argument, named like a link
    design["spec"]["name"] = HOSTILE
    payload = {"version": 1, **design}
    packed = zlib.compress(json.dumps(payload).encode())
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_text_from_a_shared_link_is_never_a_live_link(lang):
    at = app_test(BUILD, lang=lang)
    at.query_params["design"] = _hostile_link()
    at.run()
    assert not at.exception, at.exception
    bodies = [e.value for e in at.error]
    mentioned = [b for b in bodies if "Session expired" in b]
    assert mentioned, bodies  # the refusal names the argument...
    for body in mentioned:
        assert not LIVE_LINK.search(body), body  # ...as text, not as a link
        assert "https://" not in body
        assert "\\[Session expired" in body


def test_escaping_is_for_page_runs_only():
    args = {"type": "Conv2D", "arg": HOSTILE, "layer": "conv2d_1", "allowed": "filters"}
    plain = locales.t("spec.problem.unknown_arg", "en", **args)
    assert HOSTILE in plain  # the library and the command line keep text as it is
    locales.escape_markdown_args(True)
    try:
        shown = locales.t("spec.problem.unknown_arg", "en", **args)
    finally:
        locales.escape_markdown_args(False)
    assert "conv2d_1" in shown and not LIVE_LINK.search(shown) and "https://" not in shown


def test_a_crash_shows_a_friendly_message_and_no_traceback(monkeypatch):
    from ui import build, safety

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/app/cnn_core/thing.py")

    monkeypatch.setattr(build, "volume_caption", broken)
    monkeypatch.setattr(safety, "_under_app_test", lambda: False)  # as on the real server
    at = app_test(BUILD, lang="pt").run()
    assert not at.exception  # Streamlit's own element (traceback) is not drawn
    assert [e.value for e in at.error][-1] == locales.t("safety.error.unexpected", "pt")
    shown = [
        e.value for kind in (at.error, at.markdown, at.caption, at.code, at.text) for e in kind
    ]
    assert not any("secret detail" in str(v) for v in shown)


def test_error_details_are_hidden_in_the_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_too_many_photos_are_cut_to_the_limit_with_a_message():
    from cnn_core.images import MAX_FILES_PER_PAGE
    from ui import models

    at = app_test("pages/10_classify.py", "en", timeout=240)
    at.session_state["classify_model"] = models.untrained_choice().key
    at.run()
    photos = []
    for i in range(MAX_FILES_PER_PAGE + 3):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (20 * i, 100, 50)).save(buf, "PNG")
        photos.append((f"p{i}.png", buf.getvalue(), "image/png"))
    at.file_uploader(key="classify_upload").set_value(photos).run()
    assert not at.exception, at.exception
    warning = locales.t("images.too_many_files", "en", count=len(photos), limit=MAX_FILES_PER_PAGE)
    assert warning in [w.value for w in at.warning]
    assert len(at.selectbox(key="classify_pick").options) == MAX_FILES_PER_PAGE


def test_the_train_page_shows_an_admission_refusal_with_its_fix():
    from ui import train_common

    err = admission.AdmissionError("num_classes", classes=100, dataset="cifar10", expected=10)
    text = train_common.reason_text(err)
    lang = train_common.current_language()
    assert text == f"{err.message(lang)} {err.fix(lang)}"
