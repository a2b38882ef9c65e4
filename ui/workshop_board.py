"""Helpers of the workshop's own pages: joining a lesson, the instructor's form, links and QR
code, and the class board (the key, the live table, the chart, the queue, the CSV).

The instructor key arrives once in the instructor link, then moves to session state and a cookie
and leaves the address bar.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import time
from urllib.parse import urlencode, urlsplit

import streamlit as st

from cnn_core import locales
from cnn_core import workshop as ws
from cnn_core.data import DATASETS
from cnn_core.workshop.lesson import CODE_ALPHABET
from ui.charts import PALETTE, style
from ui.frame import LANG_KEY, number, percent, t
from ui.workshop import (
    LESSON_KEY,
    URL_LESSON,
    _owner,
    duration,
    forget_active,
    plain,
    store,
)

BOARD_KEYS = "workshop_board_keys"  # session: {lesson code: instructor key}
URL_KEY = "key"
COOKIE_PREFIX = "cnn_studio_board_"
COOKIE_DAYS = 30
REFRESH_S = 5
FINAL = ("finished", "stopped", "diverged", "failed", "interrupted")
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
DESIGN_CHOICES = ("blog", "lenet", "fast", "fast_small", "build")
SAVED_KEY = "instructor_saved"  # (code, key) of the lesson just saved
SAVE_ERROR_KEY = "instructor_error"


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


def _engine():
    # The training backend (in-process, Ray or the tests' fake); importing it needs no TF.
    from cnn_core.train import get_engine

    return get_engine()


def refresh_runs(lesson: ws.Lesson) -> list[ws.RunRecord]:
    """Brings the store's records of unfinished runs up to date from the engine (no TF)."""
    engine = _engine()
    records = store().runs(lesson.code)
    fresh = []
    for record in records:
        if record.status in FINAL and record.test_accuracy is not None:
            fresh.append(record)
            continue
        try:
            info = engine.load_run(record.run_id, record.owner)
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


def training_queue() -> list:
    """The engine's queue (training first, then waiting in order); empty if it cannot be read."""
    try:
        return list(_engine().queue())
    except Exception:  # the queue is a nicety: the store still knows every run's state
        return []


def queue_states(queue: list) -> dict:
    """``{run_id: (status, position)}`` of the queue's entries, for :func:`board_rows`."""
    return {entry.run_id: (entry.status, entry.position) for entry in queue}


def queue_table(queue: list, students: list[ws.Student], code: str):
    """The training queue as a table: who (nickname, or "another visitor"), state, time."""
    import pandas as pd

    names = {s.student_id: s.nickname for s in students}
    who, state, eta = [], [], []
    for entry in queue:
        tags = entry.tags or {}
        mine = tags.get("lesson") == code and tags.get("student") in names
        who.append(names[tags["student"]] if mine else t("workshop.board.queue.other"))
        waiting = entry.status == "waiting"
        state.append(
            t("workshop.board.state.waiting_at", n=entry.position)
            if waiting and entry.position
            else t(f"workshop.board.state.{'waiting' if waiting else 'training'}")
        )
        eta.append("—" if entry.eta_s is None else duration(entry.eta_s))
    return pd.DataFrame(
        {
            t("workshop.board.col.nickname"): who,
            t("workshop.board.col.state"): state,
            t("workshop.board.queue.eta"): eta,
        }
    )


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
