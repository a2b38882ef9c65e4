"""Helpers of the Train and Evaluate pages: the engine switch, the live panel, charts, run history.

The pages never hold training state themselves: the engine owns the runs and its workers never
touch Streamlit. The pages talk only to the engine interface (:class:`cnn_core.train.Engine`,
from :func:`cnn_core.train.get_engine`: in-process, a Ray cluster, or the tests' fake), keep only
a run handle in session state and read ``handle.snapshot()`` about once a second from a fragment,
so leaving the page or reloading the tab loses nothing (``engine.attach(owner)`` finds the run).
"""

from __future__ import annotations

import functools
import importlib
import json
import math
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core import locales
from cnn_core.admission import AdmissionError
from cnn_core.spec import SpecError
from cnn_core.train import settings as train_settings
from cnn_core.train.engine import Engine, get_engine
from cnn_core.train.errors import (
    EngineUnavailableError,
    RecipeError,
    RunNotFoundError,
    SettingsError,
    TrainingBusyError,
)
from cnn_core.train.snapshot import ACTIVE_STATUSES
from ui import runtime
from ui.charts import PALETTE, SEQUENTIAL, style
from ui.frame import LANG_KEY, VISITOR_KEY, current_language, number, percent, t

ACTIVE = ACTIVE_STATUSES
# Session-state keys of the Train page (prefix "train_") and the Evaluate page ("evaluate_").
HANDLE_KEY = "train_handle"
BUSY_KEY = "train_busy"
ERROR_KEY = "train_error"
FLASH_KEY = "train_flash"
RUN_SETTINGS_KEY = "train_run_settings"  # (run id, settings) of the run being trained
# What the blog printed after 40 epochs (Keras's evaluate on the 10,000 test images).
BLOG_LINE = "Accuracy: 75.24% | Loss: 0.71711"
BLOG_ACCURACY = 0.7524
OPTIMIZER_KEYS = frozenset(train_settings.OPTIMIZERS)
# Errors that explain themselves in the learner's language (``.message(lang)``).
EXPLAINED_ERRORS = (
    AdmissionError,
    EngineUnavailableError,
    RecipeError,
    RunNotFoundError,
    SettingsError,
    SpecError,
    TrainingBusyError,
)
MAX_CURVE_POINTS = 800
BUILD_PAGE = "pages/07_build.py"
TRAIN_PAGE = "pages/08_train.py"
EVALUATE_PAGE = "pages/09_evaluate.py"


def engine() -> Engine:
    """Returns the training backend (:func:`cnn_core.train.get_engine`); a backend that cannot
    be used (say, Ray asked for but not installed) is explained and the page stops there."""
    try:
        eng = get_engine()
    except EngineUnavailableError as error:
        st.error(error.message(current_language()), icon=":material/error:")
        st.stop()
    runtime.freeze_gc()
    return eng


# ---------------------------------------------------------------------------------------------
# Numbers in the learner's language


MISSING = "—"  # shown for a metric not measured yet, or one that diverged to NaN/inf


def fmt_num(value, digits: int = 2) -> str:
    """A metric such as a loss in the session's language, or ``—`` when there is none."""
    return number(value, digits, grouping=False, missing=MISSING)


def fmt_pct(fraction, digits: int = 1) -> str:
    """An accuracy as a percentage in the session's language, or ``—`` when there is none."""
    return percent(fraction, digits, missing=MISSING)


def fmt_duration(seconds) -> str:
    if seconds is None or not math.isfinite(float(seconds)):
        return t("trainp.time.unknown")
    seconds = max(0, round(float(seconds)))
    if seconds < 60:
        return t("trainp.time.seconds", s=seconds)
    if seconds < 3600:
        return t("trainp.time.minutes", m=seconds // 60, s=f"{seconds % 60:02d}")
    return t("trainp.time.hours", h=seconds // 3600, m=f"{seconds // 60 % 60:02d}")


def _finite(value):
    """Plotly cannot draw NaN/inf meaningfully; a diverged loss becomes a gap."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _message(key, args=None) -> str:
    """Translates an engine message key; an unknown key (newer engine) is left out."""
    if not key or key not in locales.catalog():
        return ""
    try:
        return t(key, **(args or {}))
    except (KeyError, IndexError, ValueError):
        return t(key)


def _reason(error: Exception) -> str:
    """The learner-facing reason of an exception: its own translated message when it has one."""
    if isinstance(error, EXPLAINED_ERRORS):
        return error.message(current_language())
    return t("trainp.reason.generic", kind=type(error).__name__)


def link_query() -> dict:
    return {LANG_KEY: current_language(), VISITOR_KEY: st.session_state.get(VISITOR_KEY, "")}


# ---------------------------------------------------------------------------------------------
# The design to train


def _design_in_session():
    design = st.session_state.get("design")
    ok = isinstance(design, dict) and isinstance(design.get("spec"), dict)
    return design if ok and isinstance(design.get("settings"), dict) else None


def current_design() -> tuple[dict, dict, bool]:
    """Returns ``(spec, settings, from_build)``: the Build page's design, else the blog's.

    A reloaded tab has an empty session but keeps ``?design=`` in its URL (the Build page's
    token): the design comes back from there, and stays in the URL while it is in use.
    """
    from cnn_core import design as designs
    from ui import build

    design = _design_in_session()
    token = st.query_params.get(build.URL_KEY)
    if design is None and token:
        try:
            build.replace_design(designs.decode(token))
            design = _design_in_session()
        except designs.DesignError as error:
            st.warning(
                t("trainp.url_bad", reason=error.message(current_language())),
                icon=":material/link_off:",
            )
    if design is not None:
        build.sync_url(design)
        return design["spec"], design["settings"], True
    from cnn_core.design import default_design

    default = default_design("blog")
    return default["spec"], default["settings"], False


def quick_demo_design() -> tuple[dict, dict]:
    """The quick demo: the fast preset with the engine's quick-demo settings."""
    from cnn_core.presets import get_preset

    return get_preset("fast").to_dict(), train_settings.quick_demo_settings().to_dict()


@functools.lru_cache(maxsize=256)
def _spec_facts(spec_json: str) -> tuple[str, int, int | None]:
    from cnn_core.spec import ModelSpec, summarize

    try:
        spec = ModelSpec.from_json(spec_json)
        return spec.name, len(spec.layers), summarize(spec).total_params
    except Exception:  # a stored spec from an older version: show what we can
        data = json.loads(spec_json)
        return str(data.get("name", "?")), len(data.get("layers", [])), None


def spec_facts(spec: dict) -> tuple[str, int, int | None]:
    """Returns ``(readable name, layer count, parameter count)`` of a spec dict (cached)."""
    name, layers, params = _spec_facts(json.dumps(spec, sort_keys=True))
    return model_title(name), layers, params


def model_title(name: str) -> str:
    """A preset's catalog title (``blog`` -> "The blog's model"); any other name as it is."""
    key = f"spec.preset.{name}.title"
    return t(key) if key in locales.catalog() else str(name)


def optimizer_name(settings: dict) -> str:
    opt = str(settings.get("optimizer", "sgd"))
    return t(f"trainp.opt.{opt}") if opt in OPTIMIZER_KEYS else opt


def dataset_name(name: str) -> str:
    key = f"data.dataset.{name}"
    return t(key) if key in locales.catalog() else str(name)


def settings_text(settings: dict) -> str:
    """One sentence with the settings that matter most to a beginner."""
    text = t(
        "trainp.settings_line",
        dataset=dataset_name(settings.get("dataset", "cifar10")),
        optimizer=optimizer_name(settings),
        lr=number(settings.get("learning_rate", 0.01)),
        batch=settings.get("batch_size", 32),
        epochs=settings.get("epochs", 40),
    )
    if settings.get("train_size"):
        text += " " + t("trainp.settings_images", n=number(settings["train_size"]))
    if settings.get("time_budget_s"):
        text += " " + t("trainp.settings_budget", time=fmt_duration(settings["time_budget_s"]))
    if settings.get("whiten"):
        text += " " + t("trainp.settings_whiten")
    if settings.get("low_res"):
        text += " " + t("trainp.settings_low_res", share=percent(settings["low_res"], 0))
    return text


def design_box(
    eng: Engine, owner: str, handle, spec: dict, settings: dict, from_build: bool
) -> bool:
    """The "what will be trained" box: the running run's own design while one trains (the quick
    demo trains another network than the session's), else the design the button would train.
    Returns whether the session's design can be trained."""
    info = None
    if is_active(handle):
        try:
            info = eng.load_run(handle.run_id, owner)
        except RunNotFoundError:  # deleted meanwhile: describe the session's design instead
            info = None
    if info is None:
        st.session_state.pop(RUN_SETTINGS_KEY, None)
        st.subheader(t("trainp.design_title"))
        return show_design(spec, settings, from_build)
    st.session_state[RUN_SETTINGS_KEY] = (info.run_id, dict(info.settings or {}))
    st.subheader(t("trainp.design_title_running"))
    show_design(info.spec, info.settings or {}, True, run_id=info.run_id)
    return False


def show_design(spec: dict, settings: dict, from_build: bool, run_id: str | None = None) -> bool:
    """Shows the design briefly; returns whether it can be trained."""
    from cnn_core.spec import ModelSpec, SpecError, summarize

    try:
        summary = summarize(ModelSpec.from_dict(spec))
    except SpecError as error:
        st.error(error.message(current_language()), icon=":material/error:")
        return False
    name, layers, _ = spec_facts(spec)
    st.markdown(
        t("trainp.design_line", name=name, layers=layers, params=number(summary.total_params))
    )
    st.caption(settings_text(settings))
    if run_id is not None:
        st.caption(t("trainp.design_of_run", run=run_id))
    elif not from_build:
        st.caption(t("trainp.default_design"))
    st.page_link(
        BUILD_PAGE,
        label=t("trainp.edit_design"),
        icon=":material/construction:",
        query_params=link_query(),
    )
    if not summary.ok:
        st.error(t("trainp.design_has_errors"), icon=":material/error:")
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Starting, attaching, stopping


def _start(owner: str, spec: dict, settings: dict) -> None:
    """Button callback: starts a run, or records why it could not start."""
    from cnn_core.spec import ModelSpec

    eng = engine()
    for key in (BUSY_KEY, ERROR_KEY):
        st.session_state.pop(key, None)
    try:
        settings_obj = train_settings.TrainSettings.from_dict(settings)
        handle = eng.start(ModelSpec.from_dict(spec), settings_obj, owner=owner)
    except TrainingBusyError:
        st.session_state[BUSY_KEY] = ("start", spec, settings)
        return
    except SpecError as error:
        st.session_state[ERROR_KEY] = error.message(current_language())
        return
    except Exception as error:  # shown as a sentence, never a traceback
        st.session_state[ERROR_KEY] = t("trainp.start_failed", reason=_reason(error))
        return
    st.session_state[HANDLE_KEY] = handle


def _continue(owner: str) -> None:
    eng = engine()
    run_id = st.session_state.get("train_continue_run")
    extra = int(st.session_state.get("train_continue_epochs") or 1)
    for key in (BUSY_KEY, ERROR_KEY):
        st.session_state.pop(key, None)
    if not run_id:
        return
    try:
        handle = eng.continue_run(run_id, extra, owner=owner)
    except TrainingBusyError:
        st.session_state[BUSY_KEY] = ("continue", run_id, extra)
        return
    except Exception as error:
        st.session_state[ERROR_KEY] = t("trainp.start_failed", reason=_reason(error))
        return
    st.session_state[HANDLE_KEY] = handle


def _retry(owner: str) -> None:
    pending = st.session_state.get(BUSY_KEY)
    if not pending:
        return
    if pending[0] == "start":
        _start(owner, pending[1], pending[2])
    else:
        st.session_state["train_continue_run"] = pending[1]
        st.session_state["train_continue_epochs"] = pending[2]
        _continue(owner)


def _stop() -> None:
    handle = st.session_state.get(HANDLE_KEY)
    if handle is not None:
        handle.stop()


def attach(eng: Engine, owner: str):
    """Returns this visitor's run handle: a live one from the engine first, else the session's."""
    handle = st.session_state.get(HANDLE_KEY)
    if handle is not None and handle.snapshot().status in ACTIVE:
        return handle
    live = eng.attach(owner)
    if live is not None and (handle is None or live.snapshot().status in ACTIVE):
        st.session_state[HANDLE_KEY] = live
        return live
    return handle


def is_active(handle) -> bool:
    return handle is not None and handle.snapshot().status in ACTIVE


def start_controls(
    eng: Engine, owner: str, spec: dict, settings: dict, *, from_build: bool, ok: bool
):
    """The train button (and the quick demo when no design came from the Build page)."""
    st.button(
        t("trainp.start"),
        key="train_start",
        type="primary",
        icon=":material/play_arrow:",
        on_click=_start,
        args=(owner, spec, settings),
        disabled=not ok,
    )
    if not from_build:
        demo_spec, demo_settings = quick_demo_design()
        st.button(
            t("trainp.quick_demo"),
            key="train_quick",
            icon=":material/bolt:",
            on_click=_start,
            args=(owner, demo_spec, demo_settings),
        )
        st.caption(
            t(
                "trainp.quick_demo_help",
                name=model_title(demo_spec.get("name", "fast")),
                text=settings_text(demo_settings),
            )
        )
    show_start_problems(owner)


def show_start_problems(owner: str) -> None:
    if st.session_state.get(BUSY_KEY):
        st.warning(t("trainp.state.busy"), icon=":material/hourglass_top:")
        st.button(
            t("trainp.retry"),
            key="train_retry",
            icon=":material/refresh:",
            on_click=_retry,
            args=(owner,),
        )
    if st.session_state.get(ERROR_KEY):
        st.error(st.session_state[ERROR_KEY], icon=":material/error:")


# ---------------------------------------------------------------------------------------------
# States and curves


@dataclass
class RunView:
    """What the pages draw of a run, from a live snapshot or a stored RunInfo."""

    run_id: str
    status: str
    message_key: str | None
    message_args: dict
    epoch_log: list
    batch_log: list
    batches_per_epoch: int
    epochs: int
    advice: list
    evaluation: dict | None = None
    settings: dict | None = None

    @classmethod
    def of_snapshot(cls, snap, info=None, settings: dict | None = None) -> RunView:
        """From a live :class:`cnn_core.train.Snapshot` (and the stored record, if read)."""
        return cls(
            run_id=snap.run_id,
            status=snap.status,
            message_key=snap.message_key,
            message_args=dict(snap.message_args),
            epoch_log=list(snap.epoch_log),
            batch_log=list(snap.batch_log),
            batches_per_epoch=int(snap.batches_per_epoch),
            epochs=int(snap.epochs),
            advice=list(snap.advice),
            evaluation=info.evaluation if info is not None else snap.evaluation,
            settings=settings or (info.settings if info is not None else None) or {},
        )

    @classmethod
    def of_info(cls, info) -> RunView:
        """From a stored :class:`cnn_core.runs.RunInfo` (a run of an earlier session)."""
        settings = info.settings or {}
        return cls(
            run_id=info.run_id,
            status=info.status,
            message_key=info.message_key,
            message_args=dict(info.message_args),
            epoch_log=list(info.epoch_log),
            batch_log=[],
            batches_per_epoch=0,
            epochs=int(settings.get("epochs", 0)),
            advice=[],
            evaluation=info.evaluation,
            settings=settings,
        )

    @property
    def full_epochs(self) -> list:
        return full_epochs(self.epoch_log)


def full_epochs(epoch_log: list) -> list:
    """The epochs that ran to the end (a stopped run logs its last epoch as partial)."""
    return [e for e in epoch_log if not e.get("partial")]


def _epoch_values(epoch_log: list, key: str) -> list[float]:
    """The finite values of ``key`` over the full epochs."""
    return [v for e in full_epochs(epoch_log) if (v := _finite(e.get(key))) is not None]


def done_text(epoch_log: list) -> str:
    """How far a run got: "2 full epochs", "part of epoch 1", "1 full epoch and 40 batches…"."""
    full = len(full_epochs(epoch_log))
    whole = t("trainp.done.one") if full == 1 else t("trainp.done.full", n=full)
    last = epoch_log[-1] if epoch_log else None
    if not last or not last.get("partial"):
        return whole
    epoch = last.get("epoch") or full + 1
    batches = last.get("batches")
    part = (
        t("trainp.done.partial_batches", batches=number(batches), epoch=epoch)
        if batches
        else t("trainp.done.partial", epoch=epoch)
    )
    return part if full == 0 else t("trainp.done.full_and_partial", full=whole, part=part)


def _ended_mid_epoch(epoch_log: list) -> bool:
    return bool(epoch_log) and bool(epoch_log[-1].get("partial"))


def _last_val_accuracy(epoch_log: list):
    for entry in reversed(epoch_log):
        if _finite(entry.get("val_accuracy")) is not None:
            return entry["val_accuracy"]
    return None


def show_state(view: RunView) -> None:
    """The run's state as one clear sentence in the learner's language (never a traceback)."""
    status = view.status
    done = len(view.full_epochs)
    detail = _message(view.message_key, view.message_args)
    if status == "queued":
        st.info(t("trainp.state.queued"), icon=":material/hourglass_top:")
    elif status == "running":
        st.info(t("trainp.state.running"), icon=":material/model_training:")
    elif status == "stopping":
        st.info(t("trainp.state.stopping"), icon=":material/pause_circle:")
    elif status == "stopped":
        # The engine's own "stopped" sentence says the same: one message is enough.
        detail = ""
        last = view.epoch_log[-1] if view.epoch_log else {}
        epoch = last.get("epoch") or done + 1
        if not _ended_mid_epoch(view.epoch_log):
            text = t("trainp.state.stopped", epochs=done)
        elif last.get("batches"):
            text = t("trainp.state.stopped_mid", epoch=epoch, batches=number(last["batches"]))
        else:
            text = t("trainp.state.stopped_mid_nobatch", epoch=epoch)
        st.warning(text, icon=":material/stop_circle:")
    elif status == "finished":
        detail = ""
        val = _last_val_accuracy(view.epoch_log)
        budget = (view.settings or {}).get("time_budget_s")
        if budget and (view.message_key == "train.msg.time_up" or _ended_mid_epoch(view.epoch_log)):
            text = t(
                "trainp.state.time_up",
                budget=fmt_duration(budget),
                done=done_text(view.epoch_log),
                val=fmt_pct(val),
            )
        elif val is not None:
            text = t("trainp.state.finished", epochs=done, val=fmt_pct(val))
        else:
            text = t("trainp.state.finished_noval", epochs=done)
        st.success(text, icon=":material/check_circle:")
    elif status == "diverged":
        st.error(t("trainp.state.diverged"), icon=":material/warning:")
        advice = [_message(k) for k in view.advice] or [
            t("trainp.advice.lower_lr"),
            t("trainp.advice.batchnorm"),
            t("trainp.advice.adam"),
        ]
        st.markdown(t("trainp.advice_intro") + "\n" + "\n".join(f"- {a}" for a in advice if a))
    elif status == "interrupted":
        st.warning(t("trainp.state.interrupted", epochs=done), icon=":material/power_off:")
    else:
        st.error(
            t("trainp.state.failed", reason=detail or t("trainp.reason.unknown")),
            icon=":material/error:",
        )
        detail = ""
    if detail and status != "running":
        st.caption(detail)


PREPARING_KEYS = ("train.msg.loading_data", "train.msg.building")


def progress_text(snap, settings: dict | None) -> tuple[float, str]:
    """Returns ``(bar value, text)`` of a live run, both from one notion of progress.

    With a time budget the engine's progress is the larger of "batches done" and "time used", so
    the text then shows the time used; past the budget (or past training) the run is measuring
    itself, which has no batches to count, and the text says so.
    """
    epochs = max(1, int(snap.epochs or 1))
    epoch = min(epochs, max(1, int(snap.epoch or 0)))
    value = min(1.0, max(0.0, float(snap.progress or 0.0)))
    budget = _finite((settings or {}).get("time_budget_s")) or None
    elapsed = _finite(snap.elapsed_s) or 0.0
    key = snap.message_key
    place = {
        "epoch": epoch,
        "epochs": epochs,
        "batch": int(snap.batch or 0),
        "batches": int(snap.batches_per_epoch or 0),
    }
    if key == "train.msg.evaluating":
        return 1.0, t("trainp.progress.evaluating")
    if snap.status == "queued" or key in PREPARING_KEYS:
        return 0.0, _message(key) or t("trainp.progress.preparing")
    if budget and elapsed >= budget:
        return 1.0, t("trainp.progress.finishing", budget=fmt_duration(budget))
    if key == "train.msg.validating":
        return value, t("trainp.progress.validating", epoch=epoch)
    if budget:
        return value, t(
            "trainp.progress_budget",
            used=fmt_duration(elapsed),
            budget=fmt_duration(budget),
            **place,
        )
    return value, t("trainp.progress", left=fmt_duration(snap.eta_s), **place)


def show_progress(snap, settings: dict | None = None) -> None:
    value, text = progress_text(snap, settings)
    st.progress(value, text=text)
    if snap.status != "queued" and snap.message_key not in PREPARING_KEYS:
        speed = t(
            "trainp.speed",
            ips=number(round(snap.images_per_second or 0)),
            elapsed=fmt_duration(snap.elapsed_s),
        )
        st.caption(speed)


def _thin(points: list, limit: int = MAX_CURVE_POINTS) -> list:
    """Keeps at most ``limit`` points (always the last) so a long run stays light to redraw."""
    if len(points) <= limit:
        return points
    step = math.ceil(len(points) / limit)
    kept = points[::step]
    return kept if kept[-1] is points[-1] else [*kept, points[-1]]


def _plotted(metric: str, values: list) -> list:
    """Values as the charts draw them: accuracy in percent, a NaN/inf as a gap (``None``)."""
    scale = 100.0 if metric == "accuracy" else 1.0
    return [None if (v := _finite(value)) is None else v * scale for value in values]


def curve_figure(metric: str, view: RunView):
    """Training (per batch and per epoch) and validation curves of ``"loss"`` or ``"accuracy"``."""
    import plotly.graph_objects as go

    fig = go.Figure()
    if view.batch_log and view.batches_per_epoch:
        pts = _thin(view.batch_log)
        fig.add_scatter(
            x=[p["step"] / view.batches_per_epoch for p in pts],
            y=_plotted(metric, [p.get(metric) for p in pts]),
            mode="lines",
            name=t("trainp.curve.batch"),
            line={"color": PALETTE[4], "width": 1},
            opacity=0.7,
        )
    epochs = view.full_epochs
    for source, name_key, color, dash, symbol in (
        (metric, "trainp.curve.train", PALETTE[0], "solid", "circle"),
        (f"val_{metric}", "trainp.curve.val", PALETTE[5], "dash", "diamond"),
    ):
        ys = _plotted(metric, [e.get(source) for e in epochs])
        if any(y is not None for y in ys):
            fig.add_scatter(
                x=[e["epoch"] for e in epochs],
                y=ys,
                mode="lines+markers",
                name=t(name_key),
                line={"color": color, "dash": dash, "width": 2.5},
                marker={"symbol": symbol, "size": 8},
            )
    fig.update_layout(
        title=t(f"trainp.chart.{metric}"),
        xaxis_title=t("trainp.axis.epoch"),
        yaxis_title=t(f"trainp.axis.{metric}"),
        legend={"orientation": "h", "y": -0.3},
    )
    return style(fig, height=330)


def _fmt_metric(metric: str, value) -> str:
    value = _finite(value)
    return fmt_pct(value) if metric == "accuracy" else fmt_num(value, 3)


def curve_caption(metric: str, view: RunView) -> str:
    epochs = view.full_epochs
    if epochs:
        last = epochs[-1]
        return t(
            f"trainp.caption.{metric}",
            epoch=last["epoch"],
            train=_fmt_metric(metric, last.get(metric)),
            val=_fmt_metric(metric, last.get(f"val_{metric}")),
        )
    if view.batch_log:
        last = view.batch_log[-1]
        shown = _fmt_metric(metric, last.get(metric))
        return t("trainp.caption.batch", step=last["step"], value=shown)
    return t("trainp.caption.empty")


def show_curves(view: RunView, key: str) -> None:
    left, right = st.columns(2)
    for column, metric in ((left, "loss"), (right, "accuracy")):
        with column:
            st.plotly_chart(curve_figure(metric, view), key=f"{key}_{metric}")
            st.caption(curve_caption(metric, view))


@st.fragment(run_every=1.0)
def live_panel() -> None:
    """Redraws the running job about once a second; one full rerun when it ends."""
    handle = st.session_state.get(HANDLE_KEY)
    if handle is None:
        return
    snap = handle.snapshot()
    stored = st.session_state.get(RUN_SETTINGS_KEY)
    settings = stored[1] if stored and stored[0] == snap.run_id else None
    view = RunView.of_snapshot(snap, settings=settings)
    show_state(view)
    if snap.status in ACTIVE:
        show_progress(snap, settings)
        st.button(
            t("trainp.stop"),
            key="train_stop",
            icon=":material/stop:",
            on_click=_stop,
            disabled=snap.status == "stopping",
        )
        st.caption(t("trainp.stop_help"))
    show_curves(view, key="train_live")
    if snap.status not in ACTIVE:
        st.rerun()


def final_panel(eng: Engine, owner: str, handle) -> None:
    """The last run once it has ended: its state, curves and test score."""
    info = None
    if handle is not None:
        try:
            info = eng.load_run(handle.run_id, owner)
        except RunNotFoundError:  # deleted meanwhile
            st.session_state.pop(HANDLE_KEY, None)
            handle = None
    if handle is not None:
        view = RunView.of_snapshot(handle.snapshot(), info)
    else:
        runs = eng.list_runs(owner)
        if not runs:
            return
        info = runs[0]
        view = RunView.of_info(info)
    st.subheader(t("trainp.last_run", run=view.run_id))
    if info is not None:
        name, layers, params = spec_facts(info.spec)
        st.markdown(t("trainp.design_line", name=name, layers=layers, params=number(params)))
        st.caption(settings_text(info.settings or {}))
    show_state(view)
    show_curves(view, key="train_final")
    if view.evaluation and view.evaluation.get("accuracy") is not None:
        from cnn_core.evaluate import blog_line

        st.markdown(t("trainp.test_line"))
        st.code(blog_line(view.evaluation), language=None)
    if info is None or not evaluable(info):
        return  # the Evaluate page could not show it: no link to a dead end
    st.page_link(
        EVALUATE_PAGE,
        label=t("trainp.to_evaluate"),
        icon=":material/fact_check:",
        query_params=link_query(),
    )


# ---------------------------------------------------------------------------------------------
# Run history


def run_label(info) -> str:
    name, _, _ = spec_facts(info.spec)
    return t("trainp.run_label", run=info.run_id, name=name)


def _best(epoch_log: list, key: str):
    return max(_epoch_values(epoch_log, key), default=None)


def _lowest(epoch_log: list, key: str):
    return min(_epoch_values(epoch_log, key), default=None)


def _status_label(status: str) -> str:
    return _message(f"train.status.{status}") or status


def _test_score(info, key: str):
    ev = info.evaluation or {}
    return _finite(ev.get(key))


def _best_val(epoch_log: list):
    """The best validation accuracy, counting the last epoch even when it ended early."""
    return max(
        (v for e in epoch_log if (v := _finite(e.get("val_accuracy"))) is not None), default=None
    )


def live_statuses() -> dict:
    """``{run id: status}`` of this session's run, from the engine's live snapshot (the stored
    record can lag behind, e.g. still say "queued" while the run trains)."""
    handle = st.session_state.get(HANDLE_KEY)
    if handle is None:
        return {}
    return {handle.run_id: handle.snapshot().status}


def history_frame(runs: list, live: dict | None = None):
    import pandas as pd

    live = live or {}
    rows = []
    for info in runs:
        name, layers, params = spec_facts(info.spec)
        settings = info.settings or {}
        done = len(full_epochs(info.epoch_log))
        if _ended_mid_epoch(info.epoch_log):
            done = f"{done}+"
        rows.append(
            {
                t("trainp.col.run"): info.run_id,
                t("trainp.col.model"): name,
                t("trainp.col.layers"): layers,
                t("trainp.col.params"): number(params, missing=MISSING),
                t("trainp.col.dataset"): dataset_name(settings.get("dataset", "cifar10")),
                t("trainp.col.optimizer"): optimizer_name(settings),
                t("trainp.col.lr"): number(settings.get("learning_rate", 0)),
                t("trainp.col.batch"): settings.get("batch_size"),
                t("trainp.col.epochs"): f"{done}/{settings.get('epochs', '?')}",
                t("trainp.col.status"): _status_label(live.get(info.run_id, info.status)),
                t("trainp.col.val_acc"): fmt_pct(_best_val(info.epoch_log)),
                t("trainp.col.test_acc"): fmt_pct(_test_score(info, "accuracy")),
            }
        )
    return pd.DataFrame(rows)


def compare_figure(metric: str, infos: list):
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, info in enumerate(infos):
        epochs = full_epochs(info.epoch_log)
        fig.add_scatter(
            x=[e["epoch"] for e in epochs],
            y=_plotted(metric, [e.get(f"val_{metric}") for e in epochs]),
            mode="lines+markers",
            name=info.run_id,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
        )
    fig.update_layout(
        title=t(f"trainp.compare.chart.{metric}"),
        xaxis={"title": t("trainp.axis.epoch"), "dtick": 1},
        yaxis_title=t(f"trainp.axis.{metric}"),
        legend={"orientation": "h", "y": -0.3},
    )
    return style(fig, height=340)


def compare_table(infos: list):
    import pandas as pd

    rows = {
        "trainp.col.model": lambda i: spec_facts(i.spec)[0],
        "trainp.col.layers": lambda i: str(spec_facts(i.spec)[1]),
        "trainp.col.params": lambda i: number(spec_facts(i.spec)[2] or 0),
        "trainp.col.dataset": lambda i: dataset_name(i.settings.get("dataset", "cifar10")),
        "trainp.col.optimizer": lambda i: optimizer_name(i.settings),
        "trainp.col.lr": lambda i: number(i.settings.get("learning_rate", 0)),
        "trainp.col.batch": lambda i: str(i.settings.get("batch_size")),
        "trainp.col.augment": lambda i: t(
            "trainp.yes" if i.settings.get("augment") else "trainp.no"
        ),
        "trainp.col.epochs": lambda i: str(len(full_epochs(i.epoch_log))),
        "trainp.col.status": lambda i: _status_label(i.status),
        "trainp.col.val_acc": lambda i: fmt_pct(_best_val(i.epoch_log)),
        "trainp.col.test_acc": lambda i: fmt_pct(_test_score(i, "accuracy")),
        "trainp.col.test_loss": lambda i: fmt_num(_test_score(i, "loss"), 4),
    }
    data = {info.run_id: [fn(info) for fn in rows.values()] for info in infos}
    return pd.DataFrame(data, index=[t(k) for k in rows])


def compare_caption(metric: str, infos: list) -> str:
    """Which run did best on validation: highest accuracy, or lowest loss."""
    if metric == "accuracy":
        scored = [(i, _best(i.epoch_log, "val_accuracy")) for i in infos]
    else:
        scored = [(i, -v) for i in infos if (v := _lowest(i.epoch_log, "val_loss")) is not None]
    scored = [(i, v) for i, v in scored if v is not None]
    if not scored:
        return t("trainp.caption.empty")
    best, value = max(scored, key=lambda p: p[1])
    if metric == "accuracy":
        return t("trainp.compare.caption", run=best.run_id, val=fmt_pct(value), n=len(infos))
    return t("trainp.compare.caption_loss", run=best.run_id, loss=fmt_num(-value, 3))


def _delete(owner: str) -> None:
    eng = engine()
    run_id = st.session_state.get("train_delete_run")
    st.session_state["train_delete_confirm"] = False
    if not run_id:
        return
    try:
        eng.delete_run(run_id, owner)
    except Exception as error:
        st.session_state[ERROR_KEY] = t("trainp.delete.failed", reason=_reason(error))
        return
    handle = st.session_state.get(HANDLE_KEY)
    if handle is not None and handle.run_id == run_id:
        st.session_state.pop(HANDLE_KEY, None)
    chosen = st.session_state.get("train_compare") or []
    st.session_state["train_compare"] = [r for r in chosen if r != run_id]
    st.session_state[FLASH_KEY] = t("trainp.delete.done", run=run_id)


def run_history(eng: Engine, owner: str, *, busy_here: bool) -> None:
    """Every run of the visitor: a table, comparison, continue and delete."""
    runs = eng.list_runs(owner)
    if st.session_state.get(FLASH_KEY):
        st.success(st.session_state.pop(FLASH_KEY), icon=":material/delete:")
    if not runs:
        st.caption(t("trainp.history.empty"))
        return
    by_id = {info.run_id: info for info in runs}
    # Labels made now, in the session's language (format_func may be called later, elsewhere).
    labels = {info.run_id: run_label(info) for info in runs}
    live = live_statuses()
    st.dataframe(history_frame(runs, live), hide_index=True, key="train_history_table")
    st.caption(t("trainp.history.caption", n=len(runs)))

    st.subheader(t("trainp.compare.title"))
    if st.session_state.get("train_compare"):
        st.session_state["train_compare"] = [
            r for r in st.session_state["train_compare"] if r in by_id
        ]
    chosen = st.multiselect(
        t("trainp.compare.pick"),
        options=list(by_id),
        format_func=labels.get,
        key="train_compare",
        placeholder=t("trainp.choose"),
    )
    if len(chosen) >= 2:
        infos = [by_id[r] for r in chosen]
        left, right = st.columns(2)
        for column, metric in ((left, "accuracy"), (right, "loss")):
            with column:
                st.plotly_chart(compare_figure(metric, infos), key=f"train_compare_{metric}")
                st.caption(compare_caption(metric, infos))
        table = compare_table(infos)
        st.dataframe(table, key="train_compare_table", height=36 * (len(table) + 1) + 4)
    else:
        st.caption(t("trainp.compare.need_two"))

    left, right = st.columns(2)
    with left:
        st.subheader(t("trainp.continue.title"))
        resumable = [r for r in runs if r.status not in ACTIVE and r.has_model]
        if resumable:
            st.selectbox(
                t("trainp.continue.pick"),
                options=[r.run_id for r in resumable],
                format_func=labels.get,
                key="train_continue_run",
                placeholder=t("trainp.choose"),
            )
            st.number_input(
                t("trainp.continue.epochs"),
                min_value=1,
                max_value=int(train_settings.SCHEMA["epochs"].high),
                value=5,
                step=1,
                key="train_continue_epochs",
            )
            st.button(
                t("trainp.continue.go"),
                key="train_continue",
                icon=":material/fast_forward:",
                on_click=_continue,
                args=(owner,),
                disabled=busy_here,
            )
        else:
            st.caption(t("trainp.continue.none"))
    with right:
        st.subheader(t("trainp.delete.title"))
        deletable = [r.run_id for r in runs if r.status not in ACTIVE]
        if deletable:
            st.selectbox(
                t("trainp.delete.pick"),
                options=deletable,
                format_func=labels.get,
                key="train_delete_run",
                placeholder=t("trainp.choose"),
            )
            confirmed = st.checkbox(t("trainp.delete.confirm"), key="train_delete_confirm")
            st.button(
                t("trainp.delete.go"),
                key="train_delete",
                icon=":material/delete:",
                on_click=_delete,
                args=(owner,),
                disabled=not confirmed,
            )
        else:
            st.caption(t("trainp.delete.none"))


# ---------------------------------------------------------------------------------------------
# Evaluate page


@dataclass(repr=False)
class EvalResult:
    """A model scored on a test set, kept in the process-wide evaluation store."""

    model_id: str
    dataset: str
    evaluation: object  # cnn_core.evaluate.Evaluation
    x: np.ndarray
    sample: bool
    model_bytes: bytes | None
    design: dict | None
    stored_metrics: dict | None

    def __repr__(self) -> str:
        return f"EvalResult({self.model_id!r}, {self.evaluation!r}, sample={self.sample})"


def _pretrained_module():
    try:
        return importlib.import_module("cnn_core.pretrained")
    except ImportError:
        return None


def evaluable(info) -> bool:
    """Whether the Evaluate page lists a run: it ended and saved a model, even mid-epoch."""
    return info.status not in ACTIVE and info.has_model


def _shipped_title(item) -> str:
    from cnn_core.pretrained import title

    return title(item.name, current_language())


def model_choices(eng: Engine, owner: str) -> dict[str, str]:
    """Returns ``{choice id: label}``: the visitor's trained runs, then the shipped models."""
    choices = {}
    for info in eng.list_runs(owner):
        if not evaluable(info):
            continue
        # The id changes when the run trains more, so the evaluation store scores it again.
        steps = len(info.epoch_log)
        choices[f"run:{info.run_id}:{steps}{'p' if _ended_mid_epoch(info.epoch_log) else ''}"] = t(
            "evalp.choice.run", label=run_label(info), epochs=done_text(info.epoch_log)
        )
    pretrained = _pretrained_module()
    if pretrained is not None:
        try:
            shipped = pretrained.list_pretrained()
        except Exception:  # models/ missing or unreadable: offer the runs only
            shipped = []
        for item in shipped:
            choices[f"pre:{item.name}"] = t(
                "evalp.choice.pretrained",
                name=_shipped_title(item),
                dataset=dataset_name(item.dataset),
            )
    return choices


@st.cache_resource(max_entries=1, show_spinner=False)
def _evaluation_store() -> dict:
    # Filled outside any cached function so the progress bar is not replayed on cache hits.
    return {"lock": threading.Lock(), "items": {}}


_STORE_SIZE = 6


def _model_bytes(model, path: Path | None) -> bytes | None:
    if path is not None and path.exists():
        return path.read_bytes()
    try:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "model.keras"
            model.save(target)
            return target.read_bytes()
    except Exception:  # a model that cannot be saved: no download, the rest still works
        return None


def _test_data(dataset: str):
    from cnn_core import data

    try:
        ds = data.load_dataset(dataset)
        return ds.x_test, ds.y_test, False
    except data.DataUnavailableError:
        x, y = data.load_sample(dataset)
        return x, y, True


def _load_choice(eng: Engine, choice: str, owner: str):
    """Returns ``(model, dataset, model file path or None, design, stored metrics)``."""
    kind, _, rest = choice.partition(":")
    if kind == "run":
        run_id = rest.split(":")[0]
        info = eng.load_run(run_id, owner)
        path = Path(info.path) / "model.keras" if info.path is not None else None
        design = {"spec": info.spec, "settings": info.settings}
        model = eng.load_model(run_id, owner)
        return model, info.settings.get("dataset", "cifar10"), path, design, info.evaluation
    pretrained = _pretrained_module()
    item = next(p for p in pretrained.list_pretrained() if p.name == rest)
    model = pretrained.load_pretrained(rest)
    path = Path(pretrained.MODELS_DIR) / f"{rest}.keras"
    design = {"spec": item.spec.to_dict(), "settings": item.settings or None}
    stored = {
        **dict(item.metrics or {}),
        "epochs": item.epochs,
        "train_seconds": item.train_seconds,
    }
    return model, item.dataset, path, design, stored


def evaluation_for(eng: Engine, choice: str, owner: str) -> EvalResult:
    """Scores the chosen model on its test set, once per model (with a progress bar)."""
    from cnn_core.evaluate import evaluate_probs, predict_probs

    store = _evaluation_store()
    key = (choice, owner if choice.startswith("run:") else "")
    with store["lock"]:
        found = store["items"].get(key)
    if found is not None:
        return found
    bar = st.progress(0.0, text=t("evalp.loading_model"))
    model, dataset, path, design, stored = _load_choice(eng, choice, owner)
    x, y, sample = _test_data(dataset)
    chunk, parts, started = 1000, [], time.monotonic()
    for start in range(0, len(x), chunk):
        parts.append(predict_probs(model, x[start : start + chunk]))
        done = min(len(x), start + chunk)
        elapsed = time.monotonic() - started
        left = elapsed / done * (len(x) - done)
        bar.progress(
            done / len(x),
            text=t(
                "evalp.progress", done=number(done), total=number(len(x)), left=fmt_duration(left)
            ),
        )
    probs = np.concatenate(parts) if parts else np.zeros((0, 10), np.float32)
    evaluation = evaluate_probs(probs, y, num_classes=probs.shape[1])
    result = EvalResult(
        model_id=choice,
        dataset=dataset,
        evaluation=evaluation,
        x=x,
        sample=sample,
        model_bytes=_model_bytes(model, path),
        design=design,
        stored_metrics=stored,
    )
    bar.empty()
    with store["lock"]:
        items = store["items"]
        items[key] = result
        while len(items) > _STORE_SIZE:
            items.pop(next(iter(items)))
    return result


def show_blog_comparison(result: EvalResult) -> None:
    from cnn_core.evaluate import blog_line

    ev = result.evaluation
    left, right = st.columns(2)
    with left:
        st.markdown(t("evalp.this_model", n=number(ev.num_examples)))
        st.code(blog_line(ev), language=None)
    if result.dataset == "cifar10":
        with right:
            st.markdown(t("evalp.blog_model"))
            st.code(BLOG_LINE, language=None)
        diff = (ev.accuracy - BLOG_ACCURACY) * 100
        key = "evalp.vs_blog.better" if diff >= 0 else "evalp.vs_blog.worse"
        st.caption(t(key, points=fmt_num(abs(diff), 2)))
    if result.sample:
        st.warning(t("evalp.sample_only", n=number(ev.num_examples)), icon=":material/info:")


def show_stored_metrics(result: EvalResult) -> None:
    if not result.model_id.startswith("pre:"):
        return  # a run's stored scores are the ones just computed
    stored = result.stored_metrics or {}
    acc, loss = _finite(stored.get("accuracy")), _finite(stored.get("loss"))
    if acc is not None and loss is not None:
        st.caption(t("evalp.stored", acc=fmt_pct(acc, 2), loss=fmt_num(loss, 4)))
    if stored.get("epochs"):
        st.caption(
            t(
                "evalp.stored_training",
                epochs=stored["epochs"],
                time=fmt_duration(stored.get("train_seconds") or 0),
            )
        )


def per_class_figure(result: EvalResult, names: list[str]):
    import plotly.graph_objects as go

    acc = [None if not math.isfinite(v) else 100 * v for v in result.evaluation.per_class_accuracy]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=acc,
            marker_color=PALETTE[0],
            text=[fmt_pct(v / 100 if v is not None else None) for v in acc],
            textposition="outside",
        )
    )
    overall = 100 * result.evaluation.accuracy
    fig.add_hline(y=overall, line_dash="dash", line_color=PALETTE[5])
    # The line's label sits right of the plot, where no bar label can cover it.
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="left",
        y=overall,
        yref="y",
        text=t("evalp.overall"),
        showarrow=False,
        font={"color": PALETTE[5]},
    )
    fig.update_layout(
        title=t("evalp.per_class.title"),
        # Digit names ("0".."9") would make Plotly draw a numeric axis with every other tick.
        xaxis={"type": "category"},
        yaxis_title=t("trainp.axis.accuracy"),
        yaxis_range=[0, 105],
    )
    style(fig, height=380)
    fig.update_layout(margin_r=90)
    return fig


def per_class_caption(result: EvalResult, names: list[str]) -> str:
    acc = result.evaluation.per_class_accuracy
    valid = [i for i in range(len(acc)) if math.isfinite(acc[i])]
    best = max(valid, key=lambda i: acc[i])
    worst = min(valid, key=lambda i: acc[i])
    return t(
        "evalp.per_class.caption",
        best=names[best],
        best_acc=fmt_pct(acc[best]),
        worst=names[worst],
        worst_acc=fmt_pct(acc[worst]),
    )


def confusion_figure(result: EvalResult, names: list[str]):
    """The confusion matrix as a heatmap, with an almost invisible marker on every cell.

    Plotly heatmaps emit no selection events in Streamlit, but scatter points do: the markers
    make a click on a cell select that cell.
    """
    import plotly.graph_objects as go

    cm = result.evaluation.confusion
    n = cm.shape[0]
    ticks = {"tickmode": "array", "tickvals": list(range(n)), "ticktext": names}
    fig = go.Figure(
        go.Heatmap(
            z=cm,
            x=list(range(n)),
            y=list(range(n)),
            colorscale=SEQUENTIAL,
            text=cm,
            texttemplate="%{text}",
            hoverinfo="skip",
            colorbar={"title": t("evalp.confusion.count")},
        )
    )
    rows, cols = np.indices(cm.shape)
    fig.add_scatter(
        x=cols.ravel(),
        y=rows.ravel(),
        mode="markers",
        marker={"symbol": "square", "size": 28, "opacity": 0.01, "color": "#000000"},
        customdata=np.stack(
            [[names[i] for i in rows.ravel()], [names[j] for j in cols.ravel()], cm.ravel()],
            axis=-1,
        ),
        hovertemplate=t("evalp.confusion.hover") + "<extra></extra>",
        showlegend=False,
    )
    fig.update_layout(
        title=t("evalp.confusion.title"),
        xaxis={**ticks, "title": t("evalp.confusion.pred"), "range": [-0.5, n - 0.5]},
        yaxis={**ticks, "title": t("evalp.confusion.true"), "range": [n - 0.5, -0.5]},
        clickmode="event+select",
    )
    return style(fig, height=560)


def confusion_caption(result: EvalResult, names: list[str]) -> str:
    cm = result.evaluation.confusion.copy()
    np.fill_diagonal(cm, -1)
    i, j = np.unravel_index(int(np.argmax(cm)), cm.shape)
    return t(
        "evalp.confusion.caption",
        true=names[i],
        pred=names[j],
        count=number(cm[i, j]),
    )


def clicked_cell(event) -> tuple[int, int] | None:
    """Returns ``(true, predicted)`` of the clicked cell from a plotly selection event."""
    try:
        points = event.selection.points
    except AttributeError:
        points = (event or {}).get("selection", {}).get("points", [])
    for point in points or []:
        try:
            return round(float(point["y"])), round(float(point["x"]))
        except (KeyError, TypeError, ValueError):
            continue
    return None


def sync_cell_choice(
    cell: tuple[int, int] | None, default: tuple[int, int], model: str | None = None
) -> None:
    """A new click on the matrix moves the two selectboxes (the keyboard-friendly way); another
    model starts them again on its own most confused pair."""
    if model is not None and st.session_state.get("evaluate_cell_model") != model:
        st.session_state["evaluate_cell_model"] = model
        # The click still held by the chart belongs to the previous model's matrix.
        st.session_state["evaluate_last_click"] = cell
        st.session_state["evaluate_true"], st.session_state["evaluate_pred"] = default
        return
    if cell is not None and st.session_state.get("evaluate_last_click") != cell:
        st.session_state["evaluate_last_click"] = cell
        st.session_state["evaluate_true"], st.session_state["evaluate_pred"] = cell
    st.session_state.setdefault("evaluate_true", default[0])
    st.session_state.setdefault("evaluate_pred", default[1])


def most_confused(result: EvalResult) -> tuple[int, int]:
    cm = result.evaluation.confusion.copy()
    np.fill_diagonal(cm, -1)
    i, j = np.unravel_index(int(np.argmax(cm)), cm.shape)
    return int(i), int(j)


def confident_mistakes(result: EvalResult, k: int = 12):
    from cnn_core.evaluate import confident_mistakes as pick

    return pick(result.evaluation, k=k)


def _big(image: np.ndarray, size: int = 96):
    """Upscales a tiny image with square pixels (the browser would blur it)."""
    from PIL import Image

    array = image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image
    return Image.fromarray(np.asarray(array, dtype=np.uint8)).resize(
        (size, size), Image.Resampling.NEAREST
    )


def cell_examples(result: EvalResult, true: int, pred: int, limit: int = 24):
    """Returns ``(indices, total)``: the images of cell (true, pred), most confident first."""
    ev = result.evaluation
    idx = np.flatnonzero((ev.y_true == true) & (ev.y_pred == pred))
    order = np.argsort(-ev.probs[idx, pred], kind="stable")
    return idx[order][:limit], int(idx.size)


def show_images(result: EvalResult, indices, captions: list[str]) -> None:
    if len(indices) == 0:
        return
    st.image([_big(result.x[i]) for i in indices], caption=captions, width=96)


def metrics_csv(result: EvalResult, names: list[str]) -> bytes:
    import pandas as pd

    ev = result.evaluation
    totals = ev.confusion.sum(axis=1)
    frame = pd.DataFrame(
        {
            t("evalp.csv.class"): [*names, t("evalp.csv.all")],
            t("evalp.csv.accuracy"): [*(float(a) for a in ev.per_class_accuracy), ev.accuracy],
            t("evalp.csv.correct"): [
                *(int(c) for c in np.diag(ev.confusion)),
                int(np.trace(ev.confusion)),
            ],
            t("evalp.csv.images"): [*(int(c) for c in totals), int(totals.sum())],
            t("evalp.csv.loss"): [None] * len(names) + [ev.loss],
        }
    )
    return frame.to_csv(index=False).encode("utf-8")


def design_json(result: EvalResult) -> bytes:
    design = result.design or {}
    if isinstance(design.get("settings"), dict):
        from cnn_core.design import to_json

        return to_json(design).encode("utf-8")
    return (json.dumps({"spec": design.get("spec")}, indent=2) + "\n").encode("utf-8")


def file_stem(choice: str) -> str:
    parts = choice.split(":")
    return "cnn-studio-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in parts[1])
