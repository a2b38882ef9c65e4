"""Helpers of workshop mode: the student's guided path, control locks, links, QR code, class board.

Lessons, students and runs live in the class store (:mod:`cnn_core.workshop`), never only in a
session. A student's session remembers just the lesson code (``workshop_lesson``); who they are
in it comes from their private visitor id (``st.session_state["vid"]``), so a student link never
carries anyone's identity. The instructor key arrives once in the instructor link, then moves to
session state and a cookie and leaves the address bar.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import sys
import time
from urllib.parse import urlencode, urlsplit

import streamlit as st

from cnn_core import locales
from cnn_core import workshop as ws
from cnn_core.data import DATASETS
from cnn_core.workshop.lesson import CODE_ALPHABET
from ui.charts import PALETTE, style
from ui.frame import LANG_KEY, PAGES, VISITOR_KEY, current_language, number, percent, t

LESSON_KEY = "workshop_lesson"  # session: the lesson code this student follows
BOARD_KEYS = "workshop_board_keys"  # session: {lesson code: instructor key}
URL_LESSON = "lesson"
URL_KEY = "key"
COOKIE_PREFIX = "cnn_studio_board_"
COOKIE_DAYS = 30
LESSON_PAGE = "pages/11_lesson.py"
INSTRUCTOR_PAGE = "pages/12_instructor.py"
BOARD_PAGE = "pages/13_board.py"
REFRESH_S = 5
ACTIVE_TTL_S = 1.0
_ACTIVE_CACHE = "workshop_active_cache"
PAGE_PATHS = {path.split("/")[-1][3:-3]: path for path, _, _ in PAGES if path.startswith("pages/")}
CSV_COLUMNS = (
    "rank",
    "nickname",
    "step",
    "runs",
    "best_test_accuracy",
    "weights",
    "train_seconds",
    "state",
)
FINAL = ("finished", "stopped", "diverged", "failed", "interrupted")
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
    query = {LANG_KEY: current_language()}
    vid = st.query_params.get(VISITOR_KEY)
    if vid:
        query[VISITOR_KEY] = vid
    query.update(extra)
    return query


def app_base() -> str:
    """The app's address up to its root (``http://host:8501/``), or ``/`` without a browser."""
    try:
        url = st.context.url
    except Exception:  # no browser context (AppTest, bare mode)
        url = None
    if not url:
        return "/"
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] if parts.path.count("/") > 1 else ""
    return f"{parts.scheme}://{parts.netloc}{path}/"


def student_link(code: str, lang: str | None = None) -> str:
    """The student link: the lesson page with the lesson code (and a fixed language)."""
    query = {URL_LESSON: code}
    if lang:
        query[LANG_KEY] = lang
    return f"{app_base()}lesson?{urlencode(query)}"


def instructor_link(code: str, key: str, lang: str) -> str:
    """The instructor link: the class board with the secret key (keep it private)."""
    return f"{app_base()}board?{urlencode({URL_LESSON: code, URL_KEY: key, LANG_KEY: lang})}"


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG bytes, big enough to scan from a projector."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


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
    """``75`` -> ``1 min 15 s``."""
    seconds = round(float(seconds or 0))
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return t("workshop.duration.min_s", m=minutes, s=rest)
    if minutes:
        return t("workshop.duration.min", m=minutes)
    return t("workshop.duration.s", s=rest)


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


# ---------------------------------------------------------------------------------------------
# The student's side


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


def join(code: str) -> None:
    """Form callback: joins the lesson under the typed nickname, or keeps the error to show."""
    st.session_state.pop("lesson_error", None)
    forget_active()
    try:
        student = store().join(code, st.session_state.get("lesson_nickname", ""), _owner())
        lesson = store().get_lesson(code)
    except ws.WorkshopError as error:
        st.session_state["lesson_error"] = error
        return
    st.session_state[LESSON_KEY] = lesson.code
    if lesson.language:
        st.session_state[LANG_KEY] = lesson.language
    _start_design(lesson)
    st.session_state["lesson_joined"] = student.nickname


def _start_design(lesson: ws.Lesson) -> None:
    from ui import build

    build.replace_design(lesson.design)


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


# ---------------------------------------------------------------------------------------------
# The class board


def _cookie_name(code: str) -> str:
    return COOKIE_PREFIX + code


def _set_cookie(code: str, key: str) -> None:
    # Both values come from a fixed alphabet (checked), so they are safe inside the script.
    import streamlit.components.v1 as components

    safe_key = "".join(c for c in key if c.isalnum() or c in "-_")[:200]
    if code and all(c in CODE_ALPHABET for c in code):
        components.html(
            "<script>document.cookie = "
            f"'{_cookie_name(code)}={safe_key}; path=/; max-age={COOKIE_DAYS * 86400}; "
            "SameSite=Strict';</script>",
            height=0,
        )


def board_key(code: str) -> str | None:
    """The instructor key for ``code``: from the instructor link (then moved into the session and
    a cookie, and removed from the address bar), else the session, else the cookie."""
    keys = st.session_state.setdefault(BOARD_KEYS, {})
    from_url = st.query_params.get(URL_KEY)
    if from_url:
        del st.query_params[URL_KEY]
        keys[code] = str(from_url)
        _set_cookie(code, str(from_url))
        return keys[code]
    if code in keys:
        return keys[code]
    try:
        from_cookie = st.context.cookies.get(_cookie_name(code))
    except Exception:  # no browser context
        from_cookie = None
    if isinstance(from_cookie, str) and from_cookie:
        keys[code] = from_cookie
    return keys.get(code)


def refresh_runs(lesson: ws.Lesson) -> list[ws.RunRecord]:
    """Brings the store's records of unfinished runs up to date from the run store (no TF)."""
    from cnn_core import runs as run_store

    records = store().runs(lesson.code)
    fresh = []
    for record in records:
        if record.status in FINAL and record.test_accuracy is not None:
            fresh.append(record)
            continue
        try:
            info = run_store.load_run(record.run_id, record.owner)
        except Exception:  # deleted, or not written yet
            fresh.append(record)
            continue
        seconds = sum(float(e.get("seconds") or 0) for e in info.epoch_log or [])
        accuracy = (info.evaluation or {}).get("accuracy")
        changes = {"status": info.status, "train_seconds": seconds}
        if accuracy is not None:
            changes["test_accuracy"] = float(accuracy)
        if info.status in FINAL:
            changes["finished_at"] = record.finished_at or time.time()
        if any(getattr(record, k) != v for k, v in changes.items()):
            store().update_run(record.run_id, **changes)
            record = ws.RunRecord(**{**record.__dict__, **changes})
        fresh.append(record)
    return fresh


def queue_states(runs: list[ws.RunRecord]) -> dict:
    """``{run_id: (status, position)}`` from the training queue, when the engine has one."""
    if "cnn_core.train" not in sys.modules:
        # Nothing has trained in this process yet, and importing the engine would import
        # TensorFlow (seconds, hundreds of MB) just to learn that the queue is empty.
        return {}
    try:
        from cnn_core.train.engine import get_engine  # the shared-host engine (wave 2)
    except ImportError:
        return {}
    try:
        return {e.run_id: (e.status, e.position) for e in get_engine().queue()}
    except Exception:  # the queue is a nicety; the store still knows the states
        return {}


def state_text(row: ws.BoardRow) -> str:
    if row.state == "waiting" and row.queue_position:
        return t("workshop.board.state.waiting_at", n=row.queue_position)
    return t(f"workshop.board.state.{row.state}")


def board_table(lesson: ws.Lesson, rows: list[ws.BoardRow]):
    """The class table as a DataFrame (nicknames as data cells: never rendered as Markdown)."""
    import pandas as pd

    return pd.DataFrame(
        {
            t("workshop.board.col.rank"): ["—" if r.rank is None else str(r.rank) for r in rows],
            t("workshop.board.col.nickname"): [r.nickname for r in rows],
            t("workshop.board.col.step"): [
                t("workshop.board.step", n=r.step + 1, total=len(lesson.steps)) for r in rows
            ],
            t("workshop.board.col.runs"): [r.runs for r in rows],
            t("workshop.board.col.accuracy"): [percent(r.best_accuracy, missing="—") for r in rows],
            t("workshop.board.col.weights"): [
                number(r.weights, missing="—") if r.weights is not None else "—" for r in rows
            ],
            t("workshop.board.col.seconds"): [duration(r.train_seconds) for r in rows],
            t("workshop.board.col.state"): [state_text(r) for r in rows],
        }
    )


def board_csv(lesson: ws.Lesson, rows: list[ws.BoardRow]) -> bytes:
    """The class table as CSV (raw numbers, so a spreadsheet can sort them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                "" if r.rank is None else r.rank,
                _csv_safe(r.nickname),
                r.step + 1,
                r.runs,
                "" if r.best_accuracy is None else f"{r.best_accuracy:.4f}",
                "" if r.weights is None else r.weights,
                f"{r.train_seconds:.1f}",
                r.state,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    # A nickname such as "=HYPERLINK(...)" must stay text when the CSV opens in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def board_figure(rows: list[ws.BoardRow]):
    """Every student's best run: test accuracy against weights (ranked and not ranked)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    shown = [r for r in rows if r.best_accuracy is not None and r.weights]
    for ranked, colour, symbol, name_key in (
        (True, PALETTE[0], "circle", "workshop.board.chart.ranked"),
        (False, PALETTE[1], "x", "workshop.board.chart.unranked"),
    ):
        group = [r for r in shown if (r.rank is not None) == ranked]
        if not group:
            continue
        figure.add_trace(
            go.Scatter(
                x=[r.weights for r in group],
                y=[100 * r.best_accuracy for r in group],
                mode="markers+text",
                # Plotly reads a few HTML tags in labels: a nickname is shown as typed.
                text=[html.escape(r.nickname) for r in group],
                textposition="top center",
                marker={"color": colour, "symbol": symbol, "size": 12},
                name=t(name_key),
                hovertemplate="%{text}<br>%{x:,} · %{y:.1f}%<extra></extra>",
            )
        )
    figure.update_layout(
        xaxis_title=t("workshop.board.chart.x"),
        yaxis_title=t("workshop.board.chart.y"),
        xaxis_type="log",
    )
    return style(figure, height=380)


def board_caption(rows: list[ws.BoardRow]) -> str:
    """One line under the chart: how many have a score, and who leads."""
    scored = [r for r in rows if r.best_accuracy is not None]
    leader = next((r for r in rows if r.rank == 1), None)
    if not scored:
        return t("workshop.board.chart.caption_none", n=len(rows))
    if leader is None:
        return t("workshop.board.chart.caption_no_rank", scored=len(scored), n=len(rows))
    return t(
        "workshop.board.chart.caption",
        scored=len(scored),
        n=len(rows),
        leader=plain(leader.nickname),
        acc=percent(leader.best_accuracy),
        weights=number(leader.weights) if leader.weights is not None else "—",
    )


# ---------------------------------------------------------------------------------------------
# The instructor's lesson form

DESIGN_CHOICES = ("blog", "lenet", "fast", "build")
SAVED_KEY = "instructor_saved"  # (code, key) of the lesson just saved
SAVE_ERROR_KEY = "instructor_error"


def translator(prefix: str, lang: str):
    """A ``format_func`` for options: ``option`` -> the catalog text ``<prefix><option>``."""
    return functools.partial(_translate_option, prefix, lang)


def _translate_option(prefix: str, lang: str, option) -> str:
    return locales.t(f"{prefix}{option}", lang)


def control_widget_key(name: str) -> str:
    return "instructor_ctl_" + name.replace(".", "_")


def chosen_design(choice: str) -> dict:
    """The starting design for a choice of :data:`DESIGN_CHOICES` (``build``: the Build page's)."""
    from cnn_core import design as designs

    if choice == "build":
        design = st.session_state.get("design") or {}
        return {"spec": design.get("spec"), "settings": design.get("settings", {})}
    return designs.default_design(choice)  # "fast" brings its recipe (imports the engine)


def _expiry(day) -> float | None:
    import datetime as dt

    if not isinstance(day, dt.date):
        return None
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
    return end.timestamp()


def lesson_from_form() -> ws.Lesson:
    """Reads the instructor's form (session state) into a :class:`Lesson` (not yet checked)."""
    state = st.session_state
    pages = list(state.get("instructor_pages") or [])
    challenge = None
    if state.get("instructor_challenge_on"):
        dataset = state.get("instructor_ch_dataset")
        challenge = ws.Challenge(
            max_weights=_int_or_none(state.get("instructor_ch_weights")),
            max_seconds=_int_or_none(state.get("instructor_ch_seconds")),
            dataset=dataset if dataset in DATASETS else None,
        )
    language = state.get("instructor_language")
    return ws.Lesson(
        title=state.get("instructor_title", ""),
        steps=tuple(ws.Step(p, state.get(f"instructor_note_{p}", "")) for p in pages),
        design=chosen_design(state.get("instructor_design") or "blog"),
        language=language if language in locales.LANGUAGES else None,
        controls={name: state.get(control_widget_key(name)) or "free" for name in ws.CONTROLS},
        time_budget_s=(
            _int_or_none(state.get("instructor_budget_s"))
            if state.get("instructor_budget_on")
            else None
        ),
        challenge=challenge,
        expires_at=_expiry(state.get("instructor_expires")),
    )


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


def save_lesson() -> None:
    """Button callback: checks and stores the lesson; keeps ``(code, key)`` or the error."""
    st.session_state.pop(SAVE_ERROR_KEY, None)
    try:
        lesson, key = store().create_lesson(lesson_from_form())
    except ws.WorkshopError as error:
        st.session_state[SAVE_ERROR_KEY] = error
        return
    st.session_state[SAVED_KEY] = (lesson.code, key)


def ensure_design(lesson: ws.Lesson) -> None:
    """A reloaded student tab has an empty session: start again from the lesson's design."""
    if not isinstance(st.session_state.get("design"), dict):
        _start_design(lesson)
