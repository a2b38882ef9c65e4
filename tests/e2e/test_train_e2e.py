"""Training in a real browser with the real engine: live curves, the final line, stopping."""

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


def _train_design(page, app_url: str, token: str) -> None:
    """Opens the design through the Build page's link, then goes to the Train page."""
    page.goto(f"{app_url}/build?lang=en&design={token}")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text(_text("nav.train")).click()
    page.wait_for_url("**/train**")
    wait_for_app(page)
    page.get_by_role("button", name=_text("trainp.start")).click()


def test_train_watch_the_curves_then_stop_a_second_run(page, app_url):
    _train_design(page, app_url, _design(filters=8, train_size=10000, epochs=2))

    # Live: the batch caption changes while the run trains (the fragment polls the engine).
    seen = set()
    finished = page.get_by_text(re.compile(r"^Done! 2 epochs"))
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and not finished.count():
        for caption in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts():
            if caption.startswith(("Batch ", "Epoch ")):
                seen.add(caption)
        page.wait_for_timeout(300)
    page.screenshot(path="/tmp/h6_e2e.png", full_page=True)  # DEBUG
    print("SEEN", seen)
    assert finished.count(), "the run did not finish"
    assert len(seen) >= 2, f"the curves never updated: {seen}"
    # The final state: the blog-style line of this model on the test set.
    code = page.locator('[data-testid="stCode"]').first.inner_text()
    assert re.fullmatch(r"Accuracy: \d{1,3}\.\d\d% \| Loss: \d+\.\d{5}", code.strip())

    # A second, longer run, stopped mid-epoch.
    _train_design(page, app_url, _design(filters=32, train_size=20000, epochs=3))
    page.get_by_role("button", name=_text("trainp.stop")).click(timeout=40_000)
    page.get_by_text(re.compile(r"^You stopped training after \d+ full epochs")).wait_for(
        timeout=40_000
    )
    wait_for_app(page)
    rows = page.locator('[data-testid="stDataFrame"]').first
    assert rows.is_visible()
