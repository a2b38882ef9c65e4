"""Workshop mode on every page: the student's guided path, control locks, and their runs.

Lessons, students and runs live in the class store (:mod:`cnn_core.workshop`), never only in a
session. A student's session remembers just the lesson code (``workshop_lesson``); who they are
in it comes from their private visitor id (``st.session_state["vid"]``), so a student link never
carries anyone's identity.

The frame, the Build page and the Train page call into this module, so it imports no other ``ui``
module (no import circle): it translates with the catalog directly, in the session's language.
The instructor's page and the class board have their helpers in :mod:`ui.workshop_board`.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import streamlit as st

from cnn_core import locales
from cnn_core import workshop as ws

LANG_KEY = "lang"  # the seams of ui.frame (CONTRACTS): the language and the visitor's id
VISITOR_KEY = "vid"
LESSON_KEY = "workshop_lesson"  # session: the lesson code this student follows
URL_LESSON = "lesson"
LESSON_PAGE = "pages/11_lesson.py"
INSTRUCTOR_PAGE = "pages/12_instructor.py"
BOARD_PAGE = "pages/13_board.py"
ACTIVE_TTL_S = 1.0
_ACTIVE_CACHE = "workshop_active_cache"
#: Page id -> script, e.g. ``"train"`` -> ``"pages/08_train.py"``.
PAGE_PATHS = {
    path.stem[3:]: f"pages/{path.name}"
    for path in sorted((Path(__file__).resolve().parents[1] / "pages").glob("[0-9][0-9]_*.py"))
}
# What each control group is on the Build and Train pages (Streamlit adds ``st-key-<key>`` to
# every element with a key): hidden groups are not displayed, locked ones cannot be clicked.
# The server enforces the same locks when a run starts (:func:`prepare_run`).
CONTROL_SELECTORS = {
    "build.presets": (".st-key-build_preset", ".st-key-build_preset_load", ".st-key-build_reset"),
    "build.layers": (
        ".st-key-build_cards",
        ".st-key-build_add_row",
        "[class*='st-key-build_upload']",
    ),
    "build.settings": ("[class*='st-key-build_set_']",),
    "train.quick_demo": (".st-key-train_quick",),
    "train.history": (
        ".st-key-train_history_table",
        "[class*='st-key-train_compare']",
        "[class*='st-key-train_continue']",
        "[class*='st-key-train_delete']",
    ),
}


def _lang() -> str:
    return locales.normalize_language(st.session_state.get(LANG_KEY)) or locales.DEFAULT_LANGUAGE


def t(key: str, /, **kwargs) -> str:
    """Translates ``key`` into the session's language."""
    return locales.t(key, _lang(), **kwargs)


def number(value, decimals: int | None = None, **options) -> str:
    """Writes a number in the session's language."""
    return locales.format_number(value, _lang(), decimals, **options)


def store() -> ws.ClassStore:
    """The class store (``$CNN_STUDIO_CLASS_DB``, else ``class.sqlite3`` in the runs folder)."""
    return ws.get_store()


def plain(text) -> str:
    """Escapes visitor-typed text for ``st.markdown`` and friends: shown as typed, never as
    Markdown, HTML, LaTeX or a Streamlit colour/icon directive."""
    out = []
    for char in str(text):
        if char in "\\`*_{}[]()#+-.!|<>~$:&\"'=":
            out.append("\\" + char)
        elif char == "\n":
            out.append("  \n")
        else:
            out.append(char)
    return "".join(out)


def link_query(**extra) -> dict:
    """Query parameters for links inside the app: the language, the visitor id only if the
    frame keeps one in the URL, and ``extra``."""
    query = {LANG_KEY: _lang()}
    vid = st.query_params.get(VISITOR_KEY)
    if vid:
        query[VISITOR_KEY] = vid
    query.update(extra)
    return query


def rule_text(violation: ws.Violation) -> str:
    """One broken challenge rule, in the visitor's language, numbers formatted."""
    args = dict(violation.args)
    for name in ("weights", "max") if violation.code == "weights" else ():
        args[name] = number(args[name])
    if violation.code in ("seconds", "no_budget"):
        for name in ("seconds", "max"):
            if name in args:
                args[name] = duration(args[name])
    for name in ("dataset", "required"):
        if name in args:
            key = f"data.dataset.{args[name]}"
            args[name] = t(key) if key in locales.catalog() else str(args[name])
    return t(violation.key, **args)


def duration(seconds) -> str:
    """``75`` -> ``1 min 15 s`` (:func:`cnn_core.locales.format_duration`)."""
    return locales.format_duration(round(float(seconds or 0)), _lang())


def challenge_text(challenge: ws.Challenge) -> str:
    """The challenge as one sentence."""
    parts = []
    if challenge.max_weights is not None:
        parts.append(t("workshop.challenge.weights", n=number(challenge.max_weights)))
    if challenge.max_seconds is not None:
        parts.append(t("workshop.challenge.seconds", time=duration(challenge.max_seconds)))
    if challenge.dataset is not None:
        parts.append(t("workshop.challenge.dataset", name=t(f"data.dataset.{challenge.dataset}")))
    rules = "; ".join(parts) if parts else t("workshop.challenge.no_rules")
    return t("workshop.challenge.line", rules=rules)


def current_code() -> str | None:
    """The lesson this session follows: from ``?lesson=`` (a student link), else the session."""
    from_url = st.query_params.get(URL_LESSON)
    if from_url:
        code = ws.normalize_code(from_url)
        if code:
            st.session_state[LESSON_KEY] = code
            return code
    return st.session_state.get(LESSON_KEY)


def leave_lesson() -> None:
    """Button callback: stop following the lesson (runs and nickname stay in the store)."""
    st.session_state.pop(LESSON_KEY, None)
    forget_active()
    if URL_LESSON in st.query_params:
        del st.query_params[URL_LESSON]


def _owner() -> str:
    return str(st.session_state.get(VISITOR_KEY) or "")


def active() -> tuple[ws.Lesson, ws.Student | None] | None:
    """``(lesson, this visitor's student or None)`` while following a lesson that is open.

    Read at most once a second per session: the Build page asks for every settings widget.
    """
    code = st.session_state.get(LESSON_KEY)
    if not code:
        return None
    cached = st.session_state.get(_ACTIVE_CACHE)
    now = time.monotonic()
    if cached and cached[0] == (code, _owner()) and now - cached[1] < ACTIVE_TTL_S:
        return cached[2]
    try:
        lesson = store().get_lesson(code)
        found = lesson, store().find_student(lesson.code, _owner())
    except ws.WorkshopError:
        found = None
    st.session_state[_ACTIVE_CACHE] = ((code, _owner()), now, found)
    return found


def forget_active() -> None:
    """Drops the cached lesson and student (after joining, renaming or leaving)."""
    st.session_state.pop(_ACTIVE_CACHE, None)


def step_index(lesson: ws.Lesson, page_id: str, student: ws.Student | None) -> int | None:
    """Which step ``page_id`` is (the student's own step when a page appears twice)."""
    matches = [i for i, step in enumerate(lesson.steps) if step.page == page_id]
    if not matches:
        return None
    if student is not None and student.step in matches:
        return student.step
    return matches[0]


def step_link(lesson: ws.Lesson, index: int, label_key: str, icon: str) -> None:
    """A link to step ``index`` of the lesson (disabled past either end)."""
    inside = 0 <= index < len(lesson.steps)
    page = lesson.steps[index].page if inside else None
    st.page_link(
        PAGE_PATHS.get(page, LESSON_PAGE),
        label=t(label_key, page=t(f"nav.{page}")) if page else t(label_key + "_none"),
        icon=icon,
        disabled=not inside,
        query_params=link_query(**{URL_LESSON: lesson.code}),
    )


def step_box(lesson: ws.Lesson, index: int) -> None:
    """The guided-path box: "Step 2 of 6", the instructor's note, Back and Next."""
    with st.container(border=True, key="workshop_step_box"):
        st.caption(
            t("workshop.step.of", title=plain(lesson.title), n=index + 1, total=len(lesson.steps))
        )
        note = lesson.steps[index].note
        if note:
            st.markdown(plain(note))
        back, _, forward = st.columns([2, 3, 2])
        with back:
            step_link(lesson, index - 1, "workshop.step.back", ":material/arrow_back:")
        with forward:
            step_link(lesson, index + 1, "workshop.step.next", ":material/arrow_forward:")


def banner(page_id: str) -> None:
    """Drawn by the frame on every page: the lesson's step box, fixed language, control locks."""
    if page_id in ("lesson", "instructor", "board") or not current_code():
        return
    found = active()
    if found is None:
        _lesson_gone()
        return
    lesson, student = found
    if lesson.language and st.session_state.get(LANG_KEY) != lesson.language:
        st.session_state[LANG_KEY] = lesson.language
        st.rerun()
    if URL_LESSON not in st.query_params:
        st.query_params[URL_LESSON] = lesson.code  # a reload keeps the lesson (not an identity)
    apply_controls(lesson)
    if student is not None:
        ensure_design(lesson)
    if student is None:
        st.page_link(
            LESSON_PAGE,
            label=t("workshop.step.join_first"),
            icon=":material/login:",
            query_params=link_query(**{URL_LESSON: lesson.code}),
        )
        return
    index = step_index(lesson, page_id, student)
    if index is None:
        st.page_link(
            LESSON_PAGE,
            label=t("workshop.step.back_to_lesson", title=plain(lesson.title)),
            icon=":material/school:",
            query_params=link_query(**{URL_LESSON: lesson.code}),
        )
        return
    if index != student.step:
        store().set_step(student.student_id, index)
        forget_active()
    step_box(lesson, index)
    if page_id == "train":
        last_run_notice(lesson, student)


def _lesson_gone() -> None:
    """The lesson this tab followed expired (or vanished): say so once, then stop following it."""
    try:
        store().get_lesson(st.session_state.get(LESSON_KEY) or "")
    except ws.WorkshopError as error:
        st.warning(error.message(_lang()), icon=":material/timer_off:")
        leave_lesson()


def apply_controls(lesson: ws.Lesson) -> None:
    """Hides or greys out the control groups the lesson locks (the server enforces them too)."""
    rules = []
    for name, selectors in CONTROL_SELECTORS.items():
        state = lesson.control(name)
        if state == "hidden":
            rules.append(f"{', '.join(selectors)} {{display: none !important;}}")
        elif state == "locked":
            rules.append(
                f"{', '.join(selectors)} {{pointer-events: none !important; opacity: 0.55;}}"
            )
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")


def control(name: str) -> str:
    """``"free"``, ``"locked"`` or ``"hidden"``: how the current lesson treats a control group
    (always ``"free"`` outside a lesson). The Build and Train pages read it."""
    found = active() if st.session_state.get(LESSON_KEY) else None
    return "free" if found is None else found[0].control(name)


def locked(name: str) -> bool:
    """True when a control group may not be changed (locked or hidden)."""
    return control(name) != "free"


def prepare_run(spec: dict, settings: dict) -> tuple[dict, dict]:
    """What a student's run really trains: the lesson's network or settings where they are
    locked, and the lesson's time budget. Outside a lesson: unchanged."""
    found = active()
    if found is None or found[1] is None:
        return spec, settings
    lesson = found[0]
    if lesson.control("build.layers") != "free" or lesson.control("build.presets") != "free":
        spec = lesson.design["spec"]
    if lesson.control("build.settings") != "free":
        settings = dict(lesson.design["settings"])
    return spec, lesson.run_settings(settings)


def run_tags() -> dict | None:
    """The tags of a student's run (``{"lesson": code, "student": id}``), else ``None``."""
    found = active()
    if found is None or found[1] is None:
        return None
    return {"lesson": found[0].code, "student": found[1].student_id}


def record_run(run_id: str, owner: str, spec: dict, settings: dict) -> None:
    """Records a student's new run in the class store, with the challenge rules it breaks."""
    found = active()
    if found is None or found[1] is None:
        return
    lesson, student = found
    store().add_run(
        ws.RunRecord(
            run_id=run_id,
            lesson=lesson.code,
            student_id=student.student_id,
            owner=owner,
            started_at=time.time(),
            weights=ws.count_weights(spec),
            violations=tuple(ws.check_challenge(spec, settings, lesson.challenge)),
        )
    )


def last_run_notice(lesson: ws.Lesson, student: ws.Student) -> None:
    """On the Train page: the challenge, and why the student's last run does not rank."""
    if lesson.challenge is None:
        return
    st.info(challenge_text(lesson.challenge), icon=":material/emoji_events:")
    mine = [r for r in store().runs(lesson.code) if r.student_id == student.student_id]
    if mine and mine[-1].violations:
        reasons = "; ".join(rule_text(v) for v in mine[-1].violations)
        st.warning(t("workshop.rule.not_ranked", reasons=reasons), icon=":material/rule:")


def ensure_design(lesson: ws.Lesson) -> None:
    """A reloaded student tab has an empty session: start again from the lesson's design (the
    Build page adds its per-layer ids; no settings widget exists yet in a new session)."""
    if not isinstance(st.session_state.get("design"), dict):
        st.session_state["design"] = copy.deepcopy(lesson.design)
