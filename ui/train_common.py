"""What the Train and Evaluate pages share: the engine switch, session keys, numbers and names.

The pages never hold training state themselves: the engine owns the runs and its workers never
touch Streamlit. The pages talk only to the engine interface (:class:`cnn_core.train.Engine`,
from :func:`cnn_core.train.get_engine`: in-process, a Ray cluster, or the tests' fake), keep only
a run handle in session state and read ``handle.snapshot()`` about once a second from a fragment,
so leaving the page or reloading the tab loses nothing (``engine.attach(owner)`` finds the run).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field

import streamlit as st

from cnn_core import locales
from cnn_core.admission import AdmissionError
from cnn_core.scheduler import OwnerBusyError
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
from ui.design_state import network_name
from ui.frame import LANG_KEY, current_language, number, percent, t

ACTIVE = ACTIVE_STATUSES
# Session-state keys of the Train page (prefix "train_") and the Evaluate page ("evaluate_").
HANDLE_KEY = "train_handle"
BUSY_KEY = "train_busy"
ERROR_KEY = "train_error"
FLASH_KEY = "train_flash"
DRAWN_STATUS_KEY = "train_drawn_status"  # {run id: status} the history table last showed
RUN_SETTINGS_KEY = "train_run_settings"  # (run id, settings) of the run being trained
# What the blog printed after 40 epochs (Keras's evaluate on the 10,000 test images).
OPTIMIZER_KEYS = frozenset(train_settings.OPTIMIZERS)
# Errors that explain themselves in the learner's language (``.message(lang)``).
EXPLAINED_ERRORS = (
    AdmissionError,
    EngineUnavailableError,
    OwnerBusyError,
    RecipeError,
    RunNotFoundError,
    SettingsError,
    SpecError,
    TrainingBusyError,
)
# How a run ends when the host's cap on one run (CNN_STUDIO_MAX_RUN_S) stopped it.
CAPPED_KEY = "queue.msg.capped"
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
    """A duration in the session's language (:func:`cnn_core.locales.format_duration`)."""
    return locales.format_duration(seconds, current_language())


def fmt_duration_rough(seconds) -> str:
    """An estimate in the session's language: ``45 s``, ``12 min``, ``3,5 h``."""
    return locales.format_duration(seconds, current_language(), rough=True)


def finite(value):
    """Plotly cannot draw NaN/inf meaningfully; a diverged loss becomes a gap."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def msg_text(key, args=None) -> str:
    """Translates an engine message key; an unknown key (newer engine) is left out."""
    if not key or key not in locales.catalog():
        return ""
    try:
        return t(key, **(args or {}))
    except (KeyError, IndexError, ValueError):
        return t(key)


def reason_text(error: Exception) -> str:
    """The learner-facing reason of an exception: its own translated message when it has one."""
    if isinstance(error, AdmissionError):  # a refusal also says what to change
        lang = current_language()
        return f"{error.message(lang)} {error.fix(lang)}"
    if isinstance(error, EXPLAINED_ERRORS):
        return error.message(current_language())
    return t("trainp.reason.generic", kind=type(error).__name__)


def link_query() -> dict:
    return {LANG_KEY: current_language()}  # never the visitor id: it lives in a cookie


@functools.lru_cache(maxsize=256)
def _spec_facts(spec_json: str, lang: str) -> tuple[str, int, int | None]:
    from cnn_core.spec import ModelSpec, summarize

    data = json.loads(spec_json)
    name = network_name(data, lang)
    try:
        spec = ModelSpec.from_json(spec_json)
        return name, len(spec.layers), summarize(spec).total_params
    except Exception:  # a stored spec from an older version: show what we can
        return name, len(data.get("layers", [])), None


def spec_facts(spec: dict) -> tuple[str, int, int | None]:
    """Returns ``(name, layer count, parameter count)`` of a spec dict (cached); the name is
    the Build page's (:func:`ui.design_state.network_name`), so both pages say the same."""
    return _spec_facts(json.dumps(spec, sort_keys=True), current_language())


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
    budget = settings.get("time_budget_s")
    text = t(
        "trainp.settings_line_budget" if budget else "trainp.settings_line",
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


# ---------------------------------------------------------------------------------------------
# A run as the pages draw it


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
    val_log: list = field(default_factory=list)

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
            val_log=list(snap.val_log),
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


def epoch_values(epoch_log: list, key: str) -> list[float]:
    """The finite values of ``key`` over the full epochs."""
    return [v for e in full_epochs(epoch_log) if (v := finite(e.get(key))) is not None]


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


def ended_mid_epoch(epoch_log: list) -> bool:
    return bool(epoch_log) and bool(epoch_log[-1].get("partial"))


def last_val_accuracy(epoch_log: list):
    for entry in reversed(epoch_log):
        if finite(entry.get("val_accuracy")) is not None:
            return entry["val_accuracy"]
    return None


def run_label(info) -> str:
    name, _, _ = spec_facts(info.spec)
    return t("trainp.run_label", run=info.run_id, name=name)


def _best(epoch_log: list, key: str):
    return max(epoch_values(epoch_log, key), default=None)


def _lowest(epoch_log: list, key: str):
    return min(epoch_values(epoch_log, key), default=None)


def status_label(status: str) -> str:
    return msg_text(f"train.status.{status}") or status


def test_score(info, key: str):
    ev = info.evaluation or {}
    return finite(ev.get(key))


def best_val(epoch_log: list):
    """The best validation accuracy, counting the last epoch even when it ended early."""
    return max(
        (v for e in epoch_log if (v := finite(e.get("val_accuracy"))) is not None), default=None
    )


def evaluable(info) -> bool:
    """Whether the Evaluate page lists a run: it ended and saved a model, even mid-epoch."""
    return info.status not in ACTIVE and info.has_model
