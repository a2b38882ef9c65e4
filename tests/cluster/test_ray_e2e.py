"""The Train page in a real browser, with the app's engine on the session's Ray head: a run
streams live from a Ray worker and lands in the app's run store."""

from __future__ import annotations

import json
import re
import time

import pytest

from cnn_core import design as designs
from cnn_core import locales
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _design_token() -> str:
    spec = {
        "name": "tinyray",
        "input_shape": [32, 32, 3],
        "num_classes": 10,
        "layers": [
            {"type": "Conv2D", "filters": 8, "kernel_size": 3, "activation": "relu"},
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
        "epochs": 2,
        "train_size": 4000,
        "val_size": 500,
    }
    return designs.encode({"spec": spec, "settings": settings})


def test_the_train_page_streams_a_ray_run_live(page, ray_app_url):
    url, runs = ray_app_url
    page.set_default_timeout(120_000)  # the first run starts a Ray worker that imports TensorFlow
    page.goto(f"{url}/build?lang=en&design={_design_token()}")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text(locales.t("nav.train", "en")).click()
    page.wait_for_url("**/train**")
    wait_for_app(page)
    page.get_by_role("button", name=locales.t("trainp.start", "en")).click()

    # Live: the curves' captions change while the Ray worker trains.
    seen = set()
    finished = page.get_by_text(re.compile(r"^Done! 2 epochs"))
    # Generous: on a slow 2-core CPU the worker imports TensorFlow beside the server and the head.
    deadline = time.monotonic() + 480
    while time.monotonic() < deadline and not finished.count():
        for caption in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts():
            if caption.startswith(("Batch ", "Epoch ")):
                seen.add(caption)
        page.wait_for_timeout(300)
    if not finished.count():
        metas = [f / "meta.json" for f in runs.iterdir() if (f / "meta.json").exists()]
        states = [json.loads(m.read_text()) for m in metas]
        alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
        raise AssertionError(f"the run did not finish: {states} {alerts}")
    assert len(seen) >= 2, f"the curves never updated: {seen}"
    code = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert re.fullmatch(r"Accuracy: \d{1,3}\.\d\d% \| Loss: \d+\.\d{5}", code)

    # It trained on the cluster, and its files are in the app's own run store.
    (folder,) = [f for f in runs.iterdir() if (f / "meta.json").exists()]
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["backend"] == "ray" and meta["status"] == "finished" and meta.get("node")
    assert (folder / "model.keras").exists() and (folder / "evaluation.json").exists()
