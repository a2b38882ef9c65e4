"""Training in a real browser with the real engine: live curves, the final line, a click on the
confusion matrix, and stopping a second run."""

from __future__ import annotations

import re
import time

import pytest

from cnn_core import design as designs
from cnn_core import locales
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _design(filters: int, train_size: int, epochs: int) -> str:
    spec = {
        "name": f"tiny{filters}",
        "input_shape": [32, 32, 3],
        "num_classes": 10,
        "layers": [
            {"type": "Conv2D", "filters": filters, "kernel_size": 3, "activation": "relu"},
            {"type": "MaxPooling2D", "pool_size": 2},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
    }
    settings = {
        **designs.default_settings(),
        "optimizer": "adam",
        "learning_rate": 0.001,
        "batch_size": 32,
        "epochs": epochs,
        "train_size": train_size,
        "val_size": 500,
    }
    return designs.encode({"spec": spec, "settings": settings})


def _text(key: str, **kwargs) -> str:
    return locales.t(key, "en", **kwargs)


def _sidebar_to(page, nav_key: str, url_path: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(_text(nav_key)).click()
    page.wait_for_url(f"**/{url_path}**")
    wait_for_app(page)


def _train_design(page, app_url: str, token: str) -> None:
    """Opens the design through the Build page's link, then trains it on the Train page."""
    page.goto(f"{app_url}/build?lang=en&design={token}")
    wait_for_app(page)
    _sidebar_to(page, "nav.train", "train")
    page.get_by_role("button", name=_text("trainp.start")).click()


def test_train_watch_the_curves_then_stop_a_second_run(page, app_url):
    page.set_default_timeout(90_000)  # a shared CI machine may be slow to import TensorFlow
    _train_design(page, app_url, _design(filters=8, train_size=10000, epochs=2))

    # Live: the curves' captions change while the run trains (the fragment polls the engine).
    seen = set()
    finished = page.get_by_text(re.compile(r"^Done! 2 epochs"))
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and not finished.count():
        for caption in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts():
            if caption.startswith(("Batch ", "After ", "Epoch ")):
                seen.add(caption)
        page.wait_for_timeout(300)
    assert finished.count(), "the run did not finish"
    assert len(seen) >= 2, f"the curves never updated: {seen}"
    # The final state: this model's line on the test set, in the blog's format.
    code = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert re.fullmatch(r"Accuracy: \d{1,3}\.\d\d% \| Loss: \d+\.\d{5}", code)

    # Evaluate: the same line, and a click on a confusion-matrix cell picks that cell.
    _sidebar_to(page, "nav.evaluate", "evaluate")
    assert code in page.locator('[data-testid="stCode"]').all_inner_texts()
    matrix = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    matrix.scroll_into_view_if_needed()
    area = matrix.locator(".nsewdrag").first.bounding_box()
    true, pred = 3, 5  # cat row, dog column
    page.mouse.click(
        area["x"] + (pred + 0.5) * area["width"] / 10,
        area["y"] + (true + 0.5) * area["height"] / 10,
    )
    picked = page.locator('[data-testid="stSelectbox"] input')
    page.wait_for_function(
        "([a, b]) => { const v = [...document.querySelectorAll("
        "'[data-testid=stSelectbox] input')].map(e => e.value); return v[1] === a && v[2] === b; }",
        arg=[locales.t("data.class.cifar10.3", "en"), locales.t("data.class.cifar10.5", "en")],
    )
    assert picked.count() == 3

    # A second, longer run, stopped mid-epoch (same visitor: the cookie, not the URL, says so).
    _train_design(page, app_url, _design(filters=32, train_size=40000, epochs=3))
    # Inside the first epoch the curves count images seen.
    page.get_by_text(re.compile(r"^After [\d,]+ images:")).first.wait_for()
    page.get_by_role("button", name=_text("trainp.stop")).click()
    # Stopped inside epoch 1 (of 1,250 batches): one sentence says so, with how far it got.
    page.get_by_text(re.compile(r"^You stopped training during epoch 1[.,]")).wait_for()
    wait_for_app(page)
    assert not page.get_by_text(re.compile(r"^You stopped training in epoch")).count()
    history = page.locator('[data-testid="stDataFrame"]').first
    assert history.is_visible()
