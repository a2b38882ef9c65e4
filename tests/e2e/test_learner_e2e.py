"""The learner's path in Portuguese, in a real browser: a one-click fix on Build, the typed decimal
comma on Inputs, and Classify opening with its best model and analysing a new photo at once."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.pretrained import best_pretrained, title
from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _png(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (4, 4, 3), np.uint8)
    buf = io.BytesIO()
    Image.fromarray(small).resize((96, 64), Image.Resampling.NEAREST).save(buf, "PNG")
    return buf.getvalue()


def test_build_one_click_fix_in_portuguese(page, app_url):
    design = designs.default_design("blog")
    del design["spec"]["layers"][12]  # the Flatten: dense_1 now gets an image
    page.goto(f"{app_url}/build?lang=pt&design={designs.encode(design)}")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    fix = locales.t("build.fix.dense_needs_flat", "pt", layer="dense_1")
    buttons = main.get_by_role("button", name=fix)
    expect(buttons).to_have_count(2)  # on the layer's card and in the list under the table
    # The whole problem is readable under the table (not cut in a table cell).
    full = locales.t("spec.problem.dense_needs_flat", "pt", layer="dense_1", shape="4x4x32")
    listed = main.locator('[data-testid="stAlertContentError"]').filter(has_text="Camada 13")
    expect(listed.first).to_contain_text(full)
    partial = locales.t("build.metric.partial_delta", "pt")
    expect(main.locator('[data-testid="stMetricDelta"]').first).to_have_text(partial)

    buttons.last.click()
    wait_for_app(page)
    expect(main.get_by_text(locales.t("build.fix.done", "pt", what=fix))).to_be_visible()
    params = main.locator('[data-testid="stMetric"]').filter(has_text="Pesos").first
    expect(params.locator('[data-testid="stMetricValue"]')).to_have_text("229.834")
    expect(main.locator('[data-testid="stMetricDelta"]')).to_have_count(0)
    expect(main.get_by_role("button", name=fix)).to_have_count(0)
    expect(main.get_by_text(locales.t("build.status.ok", "pt"))).to_be_visible()


def test_inputs_quiz_takes_a_decimal_comma(page, app_url):
    open_page(page, app_url, "inputs", lang="pt")
    main = page.locator('[data-testid="stMain"]')
    box = main.locator(".st-key-inputs_quiz_scale input")
    question = main.locator(".st-key-inputs_quiz_scale").locator("xpath=..")
    # The red value of the patch's corner is in the question: "... vermelho 204 ..."
    text = main.locator(".st-key-inputs_quiz_scale").inner_text()
    red = int(next(w for w in text.replace("**", " ").split() if w.isdigit()))
    box.fill(locales.format_number(red / 255, "pt", 2))
    box.press("Enter")
    wait_for_app(page)
    expect(question.get_by_text(locales.t("concepts.quiz.right", "pt"))).to_be_visible()


def test_classify_opens_with_the_best_model_and_analyses_a_new_photo_at_once(page, app_url):
    open_page(page, app_url, "classify", lang="pt")
    main = page.locator('[data-testid="stMain"]')
    best = best_pretrained("cifar10")
    model_box = main.get_by_role("combobox", name=locales.t("classify.model", "pt"))
    expect(model_box).to_have_value(re.compile(re.escape(title(best.name, "pt"))))
    expect(model_box).to_have_value(
        re.compile(re.escape(locales.format_percent(best.accuracy, "pt")))
    )

    dropzone = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
    dropzone.set_input_files([{"name": "gato.png", "mimeType": "image/png", "buffer": _png(1)}])
    main.get_by_text("Mais provável:").first.wait_for(timeout=90_000)
    wait_for_app(page)
    # A second photo added later: it is the one analysed, without touching the picker.
    dropzone.set_input_files([{"name": "sapo.png", "mimeType": "image/png", "buffer": _png(2)}])
    pick = main.get_by_role("combobox", name=locales.t("classify.pick", "pt"))
    pick.wait_for(timeout=90_000)
    wait_for_app(page)
    expect(pick).to_have_value("2. sapo.png")
    expect(main.get_by_text("Mais provável:").first).to_be_visible()
