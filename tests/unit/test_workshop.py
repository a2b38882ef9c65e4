"""Workshop mode's core: lessons, roster, challenge rules, leaderboard, and the SQLite store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from cnn_core import design as designs
from cnn_core.locales import LANGUAGES
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec, summarize
from cnn_core.workshop import (
    Challenge,
    Lesson,
    RunRecord,
    SQLiteClassStore,
    Step,
    Violation,
    WorkshopError,
    board_rows,
    check_challenge,
    check_lesson,
    clean_nickname,
    leaderboard,
    normalize_code,
)
from cnn_core.workshop import lesson as lessons
from cnn_core.workshop import store as stores
from cnn_core.workshop.roster import Student


def tiny_spec() -> dict:
    return ModelSpec(
        [
            {"type": "Conv2D", "filters": 4, "kernel_size": [3, 3], "activation": "relu"},
            {"type": "GlobalAveragePooling2D"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
        name="tiny",
    ).to_dict()


def make_lesson(**changes) -> Lesson:
    fields = {
        "title": "  Intro to CNNs ",
        "steps": (Step("convolution", "Look at one filter"), Step("build"), Step("train")),
        "design": {"spec": tiny_spec(), "settings": designs.default_settings()},
        "language": "en",
        "controls": {"build.layers": "locked", "train.quick_demo": "hidden"},
        "time_budget_s": 60,
        "challenge": Challenge(max_weights=100_000, max_seconds=60, dataset="cifar10"),
    }
    fields.update(changes)
    return Lesson(**fields)


@pytest.fixture
def store(tmp_path) -> SQLiteClassStore:
    return SQLiteClassStore(tmp_path / "class.sqlite3")


# -- lessons ----------------------------------------------------------------------------------


def test_check_lesson_trims_and_keeps_the_design():
    clean = check_lesson(make_lesson())
    assert clean.title == "Intro to CNNs"
    assert [s.page for s in clean.steps] == ["convolution", "build", "train"]
    assert clean.design["spec"]["name"] == "tiny"
    assert clean.control("build.layers") == "locked"
    assert clean.control("build.settings") == "free"
    assert clean.run_settings({"epochs": 3})["time_budget_s"] == 60.0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "   "}, "title_empty"),
        ({"steps": ()}, "no_steps"),
        ({"steps": tuple(Step("build") for _ in range(13))}, "too_many_steps"),
        ({"steps": (Step("admin"),)}, "bad_page"),
        ({"language": "fr"}, "bad_language"),
        ({"controls": {"build.layers": "gone"}}, "bad_control"),
        ({"controls": {"evaluate.all": "hidden"}}, "bad_control"),
        ({"time_budget_s": 0.5}, "bad_budget"),
        ({"time_budget_s": float("nan")}, "bad_budget"),
        ({"expires_at": time.time() - 10}, "bad_expiry"),
        ({"design": {"spec": {"layers": "nope"}}}, "design_invalid"),
        ({"challenge": Challenge(max_weights=0)}, "bad_challenge"),
        ({"challenge": Challenge(dataset="imagenet")}, "bad_challenge"),
    ],
)
def test_check_lesson_refuses_bad_lessons(changes, code):
    with pytest.raises(WorkshopError) as caught:
        check_lesson(make_lesson(**changes))
    assert caught.value.code == code
    for lang in LANGUAGES:  # every refusal has a message in both languages
        assert caught.value.message(lang)


def test_invalid_design_message_explains_the_design_in_the_visitors_language():
    bad = {"spec": {"layers": [{"type": "Conv9D"}]}, "settings": {}}
    with pytest.raises(WorkshopError) as caught:
        check_lesson(make_lesson(design=bad))
    pt, en = caught.value.message("pt"), caught.value.message("en")
    assert pt != en and "\n" in en


def test_a_network_that_cannot_train_is_refused_with_its_reason():
    spec = tiny_spec()
    spec["layers"][0]["kernel_size"] = [40, 40]  # larger than the 32x32 input
    with pytest.raises(WorkshopError) as caught:
        check_lesson(make_lesson(design={"spec": spec, "settings": {}}))
    assert caught.value.code == "design_invalid"
    assert "1" in caught.value.message("en").split("\n", 1)[1]  # names the layer


def test_lesson_round_trips_through_dict():
    lesson = check_lesson(make_lesson())
    again = Lesson.from_dict(lesson.to_dict())
    assert again == lesson


def test_codes_are_short_unambiguous_and_normalised():
    codes = {lessons.new_code() for _ in range(500)}
    assert len(codes) > 490
    for code in codes:
        assert len(code) == 7
        assert not set(code) & set("0O1IL5S2Z")
        assert normalize_code(code.lower()[:3] + " -" + code[3:]) == code
    assert normalize_code("ABC") is None
    assert normalize_code("ABCDEF0") is None  # 0 is not in the alphabet
    assert normalize_code(None) is None


def test_instructor_key_is_long_and_only_its_hash_matches():
    key = lessons.new_key()
    assert len(key) >= 32
    stored = lessons.hash_key(key)
    assert key not in stored
    assert lessons.key_matches(key, stored)
    assert not lessons.key_matches(key[:-1] + ("A" if key[-1] != "A" else "B"), stored)
    assert not lessons.key_matches("", stored)
    assert not lessons.key_matches(None, stored)


# -- roster -----------------------------------------------------------------------------------


def test_nicknames_are_trimmed_and_checked():
    assert clean_nickname("  Ana 🚀  ") == "Ana 🚀"
    assert clean_nickname("**<b>x</b>**") == "**<b>x</b>**"  # any text: escaped when shown
    assert clean_nickname("x" * 24) == "x" * 24
    for text, code in [
        ("", "nickname_empty"),
        ("   ", "nickname_empty"),
        (None, "nickname_empty"),
        ("x" * 25, "nickname_too_long"),
        ("a\nb", "nickname_bad_chars"),
        ("a\u202eb", "nickname_bad_chars"),  # right-to-left override
    ]:
        with pytest.raises(WorkshopError) as caught:
            clean_nickname(text)
        assert caught.value.code == code


# -- challenge --------------------------------------------------------------------------------


def test_challenge_counts_weights_like_the_spec_summary():
    spec = tiny_spec()
    weights = summarize(ModelSpec.from_dict(spec)).total_params
    settings = {"dataset": "cifar10", "time_budget_s": 60}
    assert check_challenge(spec, settings, Challenge(max_weights=weights, max_seconds=60)) == []
    broken = check_challenge(spec, settings, Challenge(max_weights=weights - 1))
    assert broken == [Violation("weights", {"weights": weights, "max": weights - 1})]


def test_challenge_lists_every_broken_rule_in_order():
    blog = get_preset("blog").to_dict()  # 229,834 weights
    settings = {"dataset": "mnist", "time_budget_s": None}
    challenge = Challenge(max_weights=100_000, max_seconds=60, dataset="cifar10")
    codes = [v.code for v in check_challenge(blog, settings, challenge)]
    assert codes == ["weights", "no_budget", "dataset"]
    slow = check_challenge(blog, {"dataset": "cifar10", "time_budget_s": 120}, challenge)
    assert [v.code for v in slow] == ["weights", "seconds"]
    assert slow[1].args == {"seconds": 120.0, "max": 60}
    assert check_challenge(blog, settings, None) == []


def test_challenge_on_a_broken_network_says_so():
    bad = {"layers": [{"type": "Dense", "units": 10}, {"type": "Conv2D", "filters": 3}]}
    assert [v.code for v in check_challenge(bad, {}, Challenge(max_weights=10))] == ["design"]


# -- leaderboard ------------------------------------------------------------------------------


def _run(run_id, student, acc, weights, *, finished=100.0, violations=(), status="finished"):
    return RunRecord(
        run_id=run_id,
        lesson="ABCDEFG",
        student_id=student,
        owner=f"owner-{student}",
        started_at=finished - 10,
        weights=weights,
        violations=tuple(violations),
        status=status,
        test_accuracy=acc,
        train_seconds=10.0,
        finished_at=finished if acc is not None else None,
    )


STUDENTS = [
    Student("a", "ABCDEFG", "Ana", "owner-a"),
    Student("b", "ABCDEFG", "Bia", "owner-b"),
    Student("c", "ABCDEFG", "Caio", "owner-c"),
    Student("d", "ABCDEFG", "Duda", "owner-d"),
]


def test_leaderboard_ranks_by_test_accuracy_then_fewer_weights():
    runs = [
        _run("r1", "a", 0.60, 50_000),
        _run("r2", "a", 0.70, 90_000),  # Ana's best
        _run("r3", "b", 0.70, 40_000),  # same accuracy, fewer weights: ahead of Ana
        _run("r4", "c", 0.90, 500_000, violations=[Violation("weights", {})]),  # does not rank
        _run("r5", "c", 0.50, 10_000),
        _run("r6", "d", None, 10_000, status="running"),
    ]
    board = leaderboard(STUDENTS, runs)
    assert [(s.rank, s.nickname, s.run_id) for s in board] == [
        (1, "Bia", "r3"),
        (2, "Ana", "r2"),
        (3, "Caio", "r5"),
    ]


def test_equal_results_share_a_rank():
    runs = [_run("r1", "a", 0.7, 1000), _run("r2", "b", 0.7, 1000), _run("r3", "c", 0.6, 1)]
    assert [s.rank for s in leaderboard(STUDENTS, runs)] == [1, 1, 3]


def test_frozen_board_ignores_later_runs():
    runs = [_run("r1", "a", 0.6, 1000, finished=100.0), _run("r2", "b", 0.9, 1000, finished=200.0)]
    assert [s.nickname for s in leaderboard(STUDENTS, runs, frozen_at=150.0)] == ["Ana"]
    assert [s.nickname for s in leaderboard(STUDENTS, runs)] == ["Bia", "Ana"]


def test_board_rows_show_state_best_and_totals():
    runs = [
        _run("r1", "a", 0.6, 1000),
        _run("r4", "c", 0.9, 500_000, violations=[Violation("weights", {})]),
        _run("r6", "d", None, 10_000, status="waiting"),
        _run("r7", "b", None, 10_000, status="waiting"),
    ]
    queue = {"r7": ("running", None), "r6": ("waiting", 2)}
    rows = {r.nickname: r for r in board_rows(STUDENTS, runs, queue=queue)}
    assert rows["Ana"].rank == 1 and rows["Ana"].best_accuracy == 0.6
    assert rows["Caio"].rank is None and rows["Caio"].best_accuracy == 0.9  # best, not ranked
    assert rows["Bia"].state == "training"
    assert (rows["Duda"].state, rows["Duda"].queue_position) == ("waiting", 2)
    assert rows["Ana"].state == "idle" and rows["Ana"].train_seconds == 10.0
    assert next(iter(board_rows(STUDENTS, runs))).nickname == "Ana"  # ranked first


# -- the SQLite store -------------------------------------------------------------------------


def test_store_creates_a_wal_database_and_survives_a_restart(tmp_path):
    path = tmp_path / "sub" / "class.sqlite3"
    first = SQLiteClassStore(path)
    lesson, key = first.create_lesson(make_lesson())
    ana = first.join(lesson.code, "Ana", "visitor-ana")
    with pytest.raises(sqlite3.IntegrityError):  # a run must belong to a stored lesson
        first.add_run(_run("20260101-000000-abcdef", ana.student_id, None, 9, status="running"))
    first.add_run(
        RunRecord(
            run_id="20260101-000001-abcdef",
            lesson=lesson.code,
            student_id=ana.student_id,
            owner="visitor-ana",
            started_at=1.0,
            weights=5,
            violations=(Violation("seconds", {"seconds": 90.0, "max": 60}),),
        )
    )
    del first  # a "restart": a new store object on the same file

    again = SQLiteClassStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = conn.execute("SELECT key_hash, data FROM lessons").fetchone()
    assert key not in "".join(stored)  # only the hash of the instructor key is stored
    assert again.get_lesson(lesson.code) == lesson
    assert again.open_board(lesson.code, key).code == lesson.code
    assert [s.nickname for s in again.roster(lesson.code)] == ["Ana"]
    runs = again.runs(lesson.code)
    assert [r.run_id for r in runs] == ["20260101-000001-abcdef"]
    assert runs[0].violations == (Violation("seconds", {"seconds": 90.0, "max": 60}),)


def test_store_refuses_unknown_expired_and_wrong_key(store):
    lesson, key = store.create_lesson(make_lesson(expires_at=time.time() + 3600))
    for code in ("", "ZZZ", "ABCDEFG", lesson.code[:-1] + "X"):
        if code == lesson.code:
            continue
        with pytest.raises(WorkshopError) as caught:
            store.get_lesson(code)
        assert caught.value.code == "unknown_lesson"
    with pytest.raises(WorkshopError) as caught:
        store.get_lesson(lesson.code, now=time.time() + 7200)
    assert caught.value.code == "lesson_expired"
    with pytest.raises(WorkshopError) as caught:
        store.join(lesson.code, "Late", "visitor-late", now=time.time() + 7200)
    assert caught.value.code == "lesson_expired"
    for wrong in ("", "x" * 32, key[:-1]):
        with pytest.raises(WorkshopError) as caught:
            store.open_board(lesson.code, wrong)
        assert caught.value.code == "wrong_key"
    _other, other_key = store.create_lesson(make_lesson())
    with pytest.raises(WorkshopError):
        store.open_board(lesson.code, other_key)  # another lesson's key opens nothing here
    assert store.open_board(lesson.code.lower(), key).code == lesson.code
    assert store.get_lesson(lesson.code).expires_at == pytest.approx(lesson.expires_at, abs=1e-3)


def test_lessons_expire_after_a_week_by_default(store):
    now = time.time()
    lesson, _ = store.create_lesson(make_lesson(), now=now)
    assert lesson.expires_at == pytest.approx(now + lessons.DEFAULT_DAYS * 86400)


def test_nicknames_are_unique_per_lesson_case_insensitively(store):
    lesson, _ = store.create_lesson(make_lesson())
    other, _ = store.create_lesson(make_lesson())
    ana = store.join(lesson.code, " Ana ", "v1")
    assert ana.nickname == "Ana"
    with pytest.raises(WorkshopError) as caught:
        store.join(lesson.code, "ANA", "v2")
    assert caught.value.code == "nickname_taken"
    assert store.join(other.code, "ana", "v2").nickname == "ana"  # another lesson: fine
    # the same visitor joining again renames, keeping their id (and runs)
    again = store.join(lesson.code, "Ana B", "v1")
    assert again.student_id == ana.student_id and again.nickname == "Ana B"
    assert store.join(lesson.code, "ana", "v2").nickname == "ana"  # the old name is free now
    assert store.find_student(lesson.code, "v1").nickname == "Ana B"
    assert store.find_student(lesson.code, "nobody") is None
    store.set_step(ana.student_id, 2)
    assert store.find_student(lesson.code, "v1").step == 2


def test_freeze_and_run_updates(store):
    lesson, _ = store.create_lesson(make_lesson())
    ana = store.join(lesson.code, "Ana", "v1")
    record = RunRecord("20260101-000000-000001", lesson.code, ana.student_id, "v1", 1.0, 500)
    store.add_run(record)
    store.update_run(record.run_id, status="finished", test_accuracy=0.5, finished_at=2.0)
    (run,) = store.runs(lesson.code)
    assert (run.status, run.test_accuracy, run.finished_at) == ("finished", 0.5, 2.0)
    with pytest.raises(ValueError):
        store.update_run(record.run_id, owner="someone else")
    assert store.set_frozen(lesson.code, True, now=5.0).frozen_at == 5.0
    assert store.get_lesson(lesson.code).frozen_at == 5.0
    assert store.set_frozen(lesson.code, False).frozen_at is None


def test_thirty_threads_writing_at_once(tmp_path):
    path = tmp_path / "class.sqlite3"
    setup = SQLiteClassStore(path)
    lesson, _ = setup.create_lesson(make_lesson())
    barrier = threading.Barrier(30)
    errors: list[BaseException] = []
    taken: list[str] = []

    def student(i: int) -> None:
        try:
            store = SQLiteClassStore(path)  # its own object, like a separate app replica
            barrier.wait()
            # everybody tries the same name first: exactly one wins, the others pick another
            try:
                me = store.join(lesson.code, "Same", f"visitor-{i}")
            except WorkshopError as error:
                taken.append(error.code)
                me = store.join(lesson.code, f"Student {i}", f"visitor-{i}")
            for step in range(5):
                store.set_step(me.student_id, step)
            for k in range(3):
                run_id = f"20260101-0000{i:02d}-00000{k}"
                store.add_run(RunRecord(run_id, lesson.code, me.student_id, me.owner, 1.0, 100))
                store.update_run(run_id, status="finished", test_accuracy=i / 100, finished_at=2.0)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert taken == ["nickname_taken"] * 29
    roster = setup.roster(lesson.code)
    assert len(roster) == 30 and len({s.nickname.casefold() for s in roster}) == 30
    assert all(s.step == 4 for s in roster)
    runs = setup.runs(lesson.code)
    assert len(runs) == 90 and all(r.status == "finished" for r in runs)
    assert leaderboard(roster, runs)[0].test_accuracy == 0.29


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(stores.DB_ENV, raising=False)
    monkeypatch.setenv("CNN_STUDIO_RUNS", str(tmp_path / "runs"))
    assert stores.class_db_path() == tmp_path / "runs" / "class.sqlite3"
    monkeypatch.setenv(stores.DB_ENV, str(tmp_path / "elsewhere.db"))
    assert stores.class_db_path() == tmp_path / "elsewhere.db"
    assert stores.get_store() is stores.get_store(tmp_path / "elsewhere.db")


def test_the_workshop_core_imports_without_streamlit_or_tensorflow():
    code = (
        "import sys, cnn_core.workshop; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'streamlit') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
