"""Workshop pages with AppTest: the instructor's form, the student's path, the class board."""

from __future__ import annotations

import time

import pytest

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.workshop import Challenge, Lesson, SQLiteClassStore, Step, count_weights, get_store
from tests.app import fake_engine as fe
from tests.conftest import app_test, no_tensorflow_after
from ui import workshop_board as wb
from ui.workshop import plain

INSTRUCTOR = "pages/12_instructor.py"
LESSON = "pages/11_lesson.py"
BOARD = "pages/13_board.py"
BUILD = "pages/07_build.py"
TRAIN = "pages/08_train.py"
TINY_SPEC = {
    "name": "tiny",
    "input_shape": [32, 32, 3],
    "num_classes": 10,
    "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": [3, 3], "activation": "relu"},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
}


@pytest.fixture(autouse=True)
def class_db(tmp_path, monkeypatch) -> SQLiteClassStore:
    monkeypatch.setenv("CNN_STUDIO_CLASS_DB", str(tmp_path / "class.sqlite3"))
    monkeypatch.setenv("CNN_STUDIO_RUNS", str(tmp_path / "runs"))
    return get_store()


def tr(key: str, lang: str, **kwargs) -> str:
    return locales.t(key, lang, **kwargs)


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def make_lesson(store, **changes):
    fields = {
        "title": "Tiny lesson",
        "steps": (Step("convolution", "Watch one filter slide"), Step("build"), Step("train")),
        "design": {"spec": TINY_SPEC, "settings": designs.default_settings()},
        "controls": {"build.settings": "locked", "train.history": "hidden"},
        "time_budget_s": 60,
        "challenge": Challenge(max_weights=100_000, max_seconds=60, dataset="cifar10"),
    }
    fields.update(changes)
    return store.create_lesson(Lesson(**fields))


def open_page(page: str, lang: str, vid: str = "visitor0000000000001", **query):
    at = app_test(page, lang=lang)
    at.session_state["vid"] = vid  # the private id (a cookie in a browser; never the URL)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


# -- the instructor's page --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_instructor_saves_a_lesson_and_gets_both_links_and_a_qr_code(lang, class_db):
    at = open_page(INSTRUCTOR, lang)
    no_errors(at)
    assert at.title[0].value == tr("workshop.instr.title", lang)
    at.text_input(key="instructor_title").input("Class <b>1</b>")
    at.toggle(key="instructor_challenge_on").set_value(True).run()
    at.selectbox(key="instructor_ctl_build_layers").set_value("locked")
    at.button(key="instructor_save").click().run()
    no_errors(at)
    code, key = at.session_state["instructor_saved"]
    assert at.success[0].value == tr("workshop.instr.saved", lang, code=code)
    links = [c.value for c in at.code]
    assert links[0].endswith(f"lesson?lesson={code}")
    assert key not in links[0]  # the student link never carries the key
    assert f"key={key}" in links[1] and "board?" in links[1]
    (qr,) = at.get("image")  # the QR code, captioned with the lesson code
    assert qr.proto.imgs[0].caption == tr("workshop.instr.qr_caption", lang, code=code)
    lesson = class_db.open_board(code, key)
    assert lesson.title == "Class <b>1</b>"
    assert [s.page for s in lesson.steps] == ["convolution", "build", "train", "evaluate"]
    assert lesson.control("build.layers") == "locked"
    assert lesson.challenge == Challenge(max_weights=100_000, max_seconds=60, dataset="cifar10")
    assert lesson.time_budget_s == 60


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_instructor_form_errors_are_translated_and_nothing_is_lost(lang):
    at = open_page(INSTRUCTOR, lang)
    at.multiselect(key="instructor_pages").set_value(["pooling", "train"]).run()
    at.text_area(key="instructor_note_pooling").input("Pool!")
    at.button(key="instructor_save").click().run()  # no title
    no_errors(at)
    assert at.error[0].value == tr("workshop.error.title_empty", lang)
    assert "instructor_saved" not in at.session_state
    assert at.text_area(key="instructor_note_pooling").value == "Pool!"
    assert at.multiselect(key="instructor_pages").value == ["pooling", "train"]


def test_instructor_cannot_save_a_network_that_cannot_train():
    broken = {**TINY_SPEC, "layers": [dict(TINY_SPEC["layers"][0], kernel_size=[40, 40])]}
    at = app_test(INSTRUCTOR, lang="en")
    at.session_state["design"] = {"spec": broken, "settings": designs.default_settings()}
    at.run()
    at.text_input(key="instructor_title").input("Broken")
    at.selectbox(key="instructor_design").set_value("build")
    at.button(key="instructor_save").click().run()
    no_errors(at)
    message = at.error[0].value
    assert message.startswith(tr("workshop.error.design_invalid", "en"))
    assert "instructor_saved" not in at.session_state


# -- the student's side -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_unknown_and_malformed_lesson_codes(lang):
    for code in ("ABCDEFG", "not-a-code!"):
        at = open_page(LESSON, lang, lesson=code)
        no_errors(at)
        assert at.error[0].value == tr("workshop.error.unknown_lesson", lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_expired_lesson(lang, class_db):
    lesson, _ = make_lesson(class_db, expires_at=time.time() + 60)
    with class_db._write() as conn:  # the clock moves on: the lesson ended an hour ago
        conn.execute("UPDATE lessons SET expires_at = ?", (time.time() - 3600,))
    at = open_page(LESSON, lang, lesson=lesson.code)
    no_errors(at)
    assert at.error[0].value == tr("workshop.error.lesson_expired", lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_student_joins_with_a_nickname_and_sees_the_path(lang, class_db):
    lesson, _ = make_lesson(class_db)
    class_db.join(lesson.code, "Bia", "someone-else-000001")
    at = open_page(LESSON, lang, lesson=lesson.code.lower())
    no_errors(at)
    assert at.header[0].value == "Tiny lesson"
    for typed, key in [
        ("   ", "workshop.error.nickname_empty"),
        ("x" * 25, "workshop.error.nickname_too_long"),
        ("BIA", "workshop.error.nickname_taken"),
    ]:
        at.text_input(key="lesson_nickname").input(typed)
        at.get("form_submit_button")[0].click()
        at.run()
        no_errors(at)
        message = tr(key, lang, max=24)
        assert at.error[0].value == message
        assert at.text_input(key="lesson_nickname").value == typed  # nothing lost
    at.text_input(key="lesson_nickname").input("**Ana** :red[x]")
    at.get("form_submit_button")[0].click()
    at.run()
    no_errors(at)
    (me,) = [s for s in class_db.roster(lesson.code) if s.owner == "visitor0000000000001"]
    assert me.nickname == "**Ana** :red[x]"
    joined = next(m.value for m in at.markdown if "Ana" in m.value)
    assert "\\*\\*Ana\\*\\*" in joined and "\\:red\\[x\\]" in joined  # shown as typed
    assert at.session_state["design"]["spec"]["name"] == "tiny"  # the lesson's network
    labels = [link.label for link in at.get("page_link")]
    first = tr("workshop.lesson.step_label", lang, n=1, page=tr("nav.convolution", lang))
    assert first + tr("workshop.lesson.you_are_here", lang) in labels


def test_fixed_language_wins_over_the_visitors():
    store = get_store()
    lesson, _ = make_lesson(store, language="pt")
    at = open_page(LESSON, "en", lesson=lesson.code)
    no_errors(at)
    assert at.session_state["lang"] == "pt"
    assert at.caption[0].value == tr("workshop.lesson.language_fixed", "pt")


def _joined(lesson_code: str, page: str, lang: str = "en", vid: str = "visitor0000000000001"):
    get_store().join(lesson_code, "Ana", vid)
    at = app_test(page, lang=lang)
    at.session_state["vid"] = vid  # the private id (a cookie in a browser; never the URL)
    at.query_params["lesson"] = lesson_code
    return at


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_step_box_and_locked_settings_on_the_build_page(lang, class_db):
    lesson, _ = make_lesson(class_db)
    at = _joined(lesson.code, BUILD, lang).run()
    no_errors(at)
    assert at.caption[0].value == tr("workshop.step.of", lang, title="Tiny lesson", n=2, total=3)
    labels = [link.label for link in at.get("page_link")]
    assert tr("workshop.step.back", lang, page=tr("nav.convolution", lang)) in labels
    assert tr("workshop.step.next", lang, page=tr("nav.train", lang)) in labels
    assert at.selectbox(key="build_set_optimizer").disabled  # settings locked by the lesson
    # Locked: greyed out and not clickable; hidden: not displayed (the other html is the cookie,
    # and the style that hides the layer cards' button labels from sight).
    (style,) = [
        h for h in at.get("html") if "<style" in h.proto.body and "pointer-events" in h.proto.body
    ]
    rules = style.proto.body.splitlines()
    assert any("st-key-build_set_" in r and "pointer-events: none" in r for r in rules)
    assert any("st-key-train_history_table" in r and "display: none" in r for r in rules)
    assert not any("build_cards" in r for r in rules)  # the layers stay free
    (me,) = class_db.roster(lesson.code)
    assert me.step == 1  # the board sees the student on step 2


def test_build_settings_are_free_outside_a_lesson():
    at = open_page(BUILD, "en")
    no_errors(at)
    assert not at.selectbox(key="build_set_optimizer").disabled


def test_a_run_started_in_a_lesson_is_recorded_with_its_broken_rules(monkeypatch, class_db):
    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", fe.MODULE)
    fe.reset()
    first, *rest = TINY_SPEC["layers"]
    big = {**TINY_SPEC, "layers": [dict(first, filters=64), *rest]}  # over 1,000 weights
    weights = count_weights(big)
    lesson, _ = make_lesson(
        class_db,
        design={"spec": big, "settings": designs.default_settings()},
        challenge=Challenge(max_weights=1000, max_seconds=60, dataset="cifar10"),
    )
    at = _joined(lesson.code, TRAIN).run()
    no_errors(at)
    at.button(key="train_start").click().run()
    no_errors(at)
    (run,) = class_db.runs(lesson.code)
    assert [v.code for v in run.violations] == ["weights"]
    (started,) = [r for r in fe.list_runs("visitor0000000000001")]
    assert started.settings["time_budget_s"] == 60  # the lesson's time budget
    rule = tr("workshop.rule.weights", "en", weights=f"{weights:,}", max="1,000")
    assert tr("workshop.rule.not_ranked", "en", reasons=rule) in [w.value for w in at.warning]
    fe.reset()


def test_the_board_follows_a_students_run_through_the_engine(monkeypatch, class_db):
    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", fe.MODULE)
    fe.reset()
    lesson, key = make_lesson(class_db)
    at = _joined(lesson.code, TRAIN).run()
    at.button(key="train_start").click().run()
    no_errors(at)
    (me,) = class_db.roster(lesson.code)
    (started,) = fe.list_runs("visitor0000000000001")
    assert started.tags == {"lesson": lesson.code, "student": me.student_id}

    board = open_page(BOARD, "en", vid="instructor0000000001", lesson=lesson.code, key=key)
    no_errors(board)
    table, queue = board.dataframe
    assert list(queue.value[tr("workshop.board.col.nickname", "en")]) == ["Ana"]
    assert table.value[tr("workshop.board.col.state", "en")].iloc[0] == tr(
        "workshop.board.state.training", "en"
    )
    fe.advance(1000)  # the run finishes; the board's next refresh reads its test score
    board.run()
    no_errors(board)
    (run,) = class_db.runs(lesson.code)
    finished = fe.load_run(started.run_id, "visitor0000000000001")
    assert run.status == "finished" and run.test_accuracy == finished.evaluation["accuracy"]
    (table,) = board.dataframe
    assert table.value[tr("workshop.board.col.rank", "en")].iloc[0] == "1"
    assert tr("workshop.board.queue_empty", "en") in [c.value for c in board.caption]
    fe.reset()


# -- the class board --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_board_needs_the_instructor_key(lang, class_db):
    lesson, key = make_lesson(class_db)
    at = open_page(BOARD, lang, lesson=lesson.code)  # the student link's code alone
    no_errors(at)
    assert at.warning[0].value == tr("workshop.board.need_link", lang)
    assert not at.dataframe
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")  # never the key itself (it is random)
    at = open_page(BOARD, lang, lesson=lesson.code, key=wrong)
    no_errors(at)
    assert at.error[0].value == tr("workshop.error.wrong_key", lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_board_moves_the_key_out_of_the_address_and_shows_the_class(lang, class_db):
    lesson, key = make_lesson(class_db)
    ana = class_db.join(lesson.code, "<i>Ana</i>", "visitor-a-0000000001")
    class_db.join(lesson.code, "Bia", "visitor-b-0000000001")
    from cnn_core.workshop import RunRecord

    class_db.add_run(
        RunRecord(
            "20260101-000000-aaaaaa",
            lesson.code,
            ana.student_id,
            ana.owner,
            1.0,
            weights=1234,
            status="finished",
            test_accuracy=0.5,
            finished_at=2.0,
        )
    )
    at = open_page(BOARD, lang, lesson=lesson.code, key=key)
    no_errors(at)
    assert "key" not in at.query_params  # gone from the address bar
    assert at.session_state["workshop_board_keys"] == {lesson.code: key}
    (table,) = at.dataframe
    frame = table.value
    assert list(frame[tr("workshop.board.col.nickname", lang)]) == ["<i>Ana</i>", "Bia"]
    assert list(frame[tr("workshop.board.col.rank", lang)]) == ["1", "—"]
    assert at.get("plotly_chart")
    caption = tr(
        "workshop.board.chart.caption",
        lang,
        scored=1,
        n=2,
        leader=plain("<i>Ana</i>"),
        acc=locales.format_percent(0.5, lang),
        weights=locales.format_number(1234, lang),
    )
    assert caption in [c.value for c in at.caption]
    download = next(b for b in at.get("download_button") if b.proto.label.endswith("(CSV)"))
    assert download.proto.url  # the CSV itself is checked below, and in the browser test
    csv_rows = wb.board_csv(class_db.get_lesson(lesson.code), [])
    assert csv_rows.decode().splitlines() == [",".join(wb.CSV_COLUMNS)]
    at.run()  # the next run finds the key in the session, not the address
    no_errors(at)
    assert at.dataframe
    at.button(key="board_freeze").click().run()
    no_errors(at)
    assert class_db.get_lesson(lesson.code).frozen_at is not None
    assert at.info[-1].value == tr("workshop.board.frozen", lang)


@pytest.mark.parametrize("page", [LESSON, INSTRUCTOR, BOARD])
def test_workshop_pages_do_not_import_tensorflow(page):
    report = no_tensorflow_after(page)
    assert report["errors"] == []
    assert not report["tensorflow"] and not report["keras"]


def test_board_csv_keeps_nicknames_as_text_in_spreadsheets(class_db):
    import csv
    import io

    from cnn_core.workshop import board_rows

    lesson, _ = make_lesson(class_db)
    for i, name in enumerate(["=HYPERLINK(1)", "+1", "@x", 'Ana, "the" best']):
        class_db.join(lesson.code, name, f"visitor-{i:015d}")
    rows = board_rows(class_db.roster(lesson.code), [])
    read = list(csv.DictReader(io.StringIO(wb.board_csv(lesson, rows).decode())))
    names = sorted(r["nickname"] for r in read)
    assert names == sorted(["'=HYPERLINK(1)", "'+1", "'@x", 'Ana, "the" best'])
    assert {r["step"] for r in read} == {"1"} and {r["rank"] for r in read} == {""}


def test_a_lesson_that_expires_mid_class_is_announced_once(class_db):
    lesson, _ = make_lesson(class_db)
    at = _joined(lesson.code, BUILD).run()
    assert at.session_state["workshop_lesson"] == lesson.code
    with class_db._write() as conn:
        conn.execute("UPDATE lessons SET expires_at = ?", (time.time() - 1,))
    at.session_state["workshop_active_cache"] = None
    at.run()
    no_errors(at)
    assert at.warning[0].value == tr("workshop.error.lesson_expired", "en")
    assert "workshop_lesson" not in at.session_state
    assert not at.selectbox(key="build_set_optimizer").disabled  # the lesson's locks are gone
