"""A workshop in real browsers: an instructor makes a lesson with a challenge, two students join
from the student link in their own browsers and each trains a tiny run, the class board (through
the instructor link) ranks both, and the student link alone cannot open the board."""

from __future__ import annotations

import csv
import io
import re

import pytest

from cnn_core import design as designs
from cnn_core import locales
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _text(key: str, **kwargs) -> str:
    return locales.t(key, "en", **kwargs)


def _tiny_design() -> str:
    spec = {
        "name": "tiny",
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
        "epochs": 1,
        "train_size": 1000,
        "val_size": 500,
    }
    return designs.encode({"spec": spec, "settings": settings})


def _tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(120_000)  # TensorFlow's first import on a shared machine is slow
    return context, tab


def _make_lesson(page, app_url: str) -> tuple[str, str]:
    """The instructor's side: a tiny network from the Build page, a lesson with a challenge."""
    page.goto(f"{app_url}/build?lang=en&design={_tiny_design()}")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text(_text("nav.instructor")).click()
    page.wait_for_url("**/instructor**")
    wait_for_app(page)
    page.locator(".st-key-instructor_title input").fill("Tiny CNN contest")
    page.locator(".st-key-instructor_title input").press("Enter")
    wait_for_app(page)
    box = page.locator(".st-key-instructor_design [role='combobox']")
    box.click()
    box.press("ArrowDown")
    page.get_by_role("option", name=_text("workshop.instr.design.build"), exact=True).click()
    wait_for_app(page)
    page.get_by_text(_text("workshop.instr.challenge_on")).click()
    wait_for_app(page)
    page.get_by_role("button", name=_text("workshop.instr.save")).click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"^Lesson saved\. Code: ")).wait_for()
    # The two links are drawn after the QR code, a moment after the "saved" line (a CI run read
    # the page in between and found no link).
    page.locator('[data-testid="stCode"]').nth(1).wait_for()
    links = page.locator('[data-testid="stCode"]').all_inner_texts()
    student, instructor = (link.strip() for link in links[:2])
    return student, instructor


def _student_trains(page, student_link: str, nickname: str) -> None:
    page.goto(student_link)
    wait_for_app(page)
    page.locator(".st-key-lesson_nickname input").fill(nickname)
    page.get_by_role("button", name=_text("workshop.lesson.join")).click()
    wait_for_app(page)
    page.get_by_text(nickname, exact=True).wait_for()
    step = _text("workshop.lesson.step_label", n=3, page=_text("nav.train"))
    page.get_by_role("link", name=step).click()
    page.wait_for_url("**/train**")
    wait_for_app(page)
    page.get_by_text(_text("workshop.step.of", title="Tiny CNN contest", n=3, total=4)).wait_for()
    start = page.get_by_role("button", name=_text("trainp.start"))
    retry = page.get_by_role("button", name=_text("trainp.retry"))
    start.click()
    wait_for_app(page)
    # One training slot per process: while the other student trains, wait and try again.
    for _ in range(60):
        if not retry.count():
            break
        page.wait_for_timeout(2000)
        retry.click()
        wait_for_app(page)
    page.get_by_text(re.compile(r"^Done!")).wait_for(timeout=240_000)


def _board_csv(page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_role("button", name=_text("workshop.board.csv")).click()
    return list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))


def test_a_class_with_a_challenge_from_lesson_to_ranked_board(browser, app_url):
    instructor_context, instructor = _tab(browser)
    ana_context, ana = _tab(browser)
    bia_context, bia = _tab(browser)
    try:
        student_link, instructor_link = _make_lesson(instructor, app_url)
        code = re.search(r"lesson=([A-Z0-9]+)", student_link).group(1)
        assert "key=" not in student_link and "vid=" not in student_link
        assert "key=" in instructor_link

        _student_trains(ana, student_link, "Ana")
        _student_trains(bia, student_link, "<b>Bia</b>")

        # The board, through the instructor link: the key leaves the address bar at once.
        instructor.goto(instructor_link)
        wait_for_app(instructor)
        assert "key=" not in instructor.url
        caption = re.compile(r"^2 of 2 students have a score; .* leads with ")
        instructor.get_by_text(caption).wait_for(timeout=60_000)
        rows = {row["nickname"]: row for row in _board_csv(instructor)}
        assert set(rows) == {"Ana", "<b>Bia</b>"}
        for row in rows.values():
            assert row["rank"] in ("1", "2") and row["runs"] == "1"
            assert 0 < float(row["best_test_accuracy"]) <= 1
            assert row["weights"] == "18234"  # the spec summary's count
        # A reload without the key still opens the board: the key lives in a cookie now.
        instructor.goto(f"{app_url}/board?lesson={code}&lang=en")
        wait_for_app(instructor)
        instructor.get_by_text(caption).wait_for(timeout=60_000)

        # The student link alone (the lesson code) cannot open the board.
        ana.goto(f"{app_url}/board?lesson={code}&lang=en")
        wait_for_app(ana)
        assert ana.get_by_text(_text("workshop.board.need_link")).count() == 1
        assert ana.get_by_role("button", name=_text("workshop.board.csv")).count() == 0
    finally:
        for context in (instructor_context, ana_context, bia_context):
            context.close()
