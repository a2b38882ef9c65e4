"""Train page: the design to train and the run controls (start, quick demo, stop, cancel,
continue, retry). Callbacks only talk to the engine; the live view draws what happens next."""

from __future__ import annotations

import streamlit as st

from cnn_core.scheduler import max_run_seconds, train_slots
from cnn_core.spec import SpecError
from cnn_core.train import settings as train_settings
from cnn_core.train.engine import Engine
from cnn_core.train.errors import RunNotFoundError, TrainingBusyError
from ui import design_state
from ui.frame import current_language, number, t
from ui.train_common import (
    ACTIVE,
    BUILD_PAGE,
    BUSY_KEY,
    ERROR_KEY,
    HANDLE_KEY,
    RUN_SETTINGS_KEY,
    engine,
    fmt_duration,
    fmt_duration_rough,
    link_query,
    model_title,
    reason_text,
    settings_text,
    spec_facts,
)

# A run expected to take longer than this asks to confirm first (the quick demo never does).
LONG_RUN_S = 120.0
CONFIRM_KEY = "train_confirm"  # session: (owner, spec, settings, seconds) awaiting a yes

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

    design = _design_in_session()
    token = st.query_params.get(design_state.URL_KEY)
    if design is None and token:
        try:
            design_state.replace_design(designs.decode(token))
            design = _design_in_session()
        except designs.DesignError as error:
            st.warning(
                t("trainp.url_bad", reason=error.message(current_language())),
                icon=":material/link_off:",
            )
    if design is not None:
        design_state.sync_url(design)
        return design["spec"], design["settings"], True
    from cnn_core.design import default_design

    default = default_design("blog")
    return default["spec"], default["settings"], False


def quick_demo_design() -> tuple[dict, dict]:
    """The quick demo: the small fast preset with the engine's quick-demo settings."""
    from cnn_core.presets import get_preset

    return get_preset("fast_small").to_dict(), train_settings.quick_demo_settings().to_dict()


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


def start_run(owner: str, spec: dict, settings: dict) -> None:
    """Button callback: starts a run, or records why it could not start."""
    from cnn_core.spec import ModelSpec
    from ui import workshop

    eng = engine()
    for key in (BUSY_KEY, ERROR_KEY):
        st.session_state.pop(key, None)
    spec, settings = workshop.prepare_run(spec, settings)  # a lesson's locks and time budget
    try:
        settings_obj = train_settings.TrainSettings.from_dict(settings)
        handle = eng.start(
            ModelSpec.from_dict(spec), settings_obj, owner=owner, tags=workshop.run_tags()
        )
    except TrainingBusyError:
        st.session_state[BUSY_KEY] = ("start", spec, settings)
        return
    except SpecError as error:
        st.session_state[ERROR_KEY] = error.message(current_language())
        return
    except Exception as error:  # shown as a sentence, never a traceback
        st.session_state[ERROR_KEY] = t("trainp.start_failed", reason=reason_text(error))
        return
    st.session_state[HANDLE_KEY] = handle
    workshop.record_run(handle.run_id, owner, spec, settings)


def continue_run(owner: str) -> None:
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
        st.session_state[ERROR_KEY] = t("trainp.start_failed", reason=reason_text(error))
        return
    st.session_state[HANDLE_KEY] = handle


def retry_run(owner: str) -> None:
    pending = st.session_state.get(BUSY_KEY)
    if not pending:
        return
    if pending[0] == "start":
        start_run(owner, pending[1], pending[2])
    else:
        st.session_state["train_continue_run"] = pending[1]
        st.session_state["train_continue_epochs"] = pending[2]
        continue_run(owner)


def stop_run() -> None:
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


def expected_seconds(spec: dict, settings: dict, extra_epochs: int | None = None) -> float | None:
    """The seconds a run should take on this host, test included, within the host's cap.

    From :func:`cnn_core.admission.estimate_run`, whose speed is this host's measured one once
    a real measurement exists (the Build page's, or a finished epoch's); ``None`` when the design
    cannot be estimated (it has errors). ``extra_epochs``: a continued run's.
    """
    from cnn_core.admission import estimate_run
    from cnn_core.spec import ModelSpec

    try:
        estimate = estimate_run(ModelSpec.from_dict(spec), settings, extra_epochs=extra_epochs)
    except Exception:  # a broken design: the page already says why it cannot train
        return None
    return min(estimate.total_s, estimate.cap_s)


def ask_or_start(owner: str, spec: dict, settings: dict) -> None:
    """Button callback of "Train this network": a short run starts at once; a long one first
    asks to confirm (:func:`start_controls` shows the question with its expected duration)."""
    from ui import workshop

    st.session_state.pop(CONFIRM_KEY, None)
    planned_spec, planned = workshop.prepare_run(spec, settings)  # a lesson's budget counts
    seconds = expected_seconds(planned_spec, planned)
    if seconds is not None and seconds > LONG_RUN_S:
        st.session_state[CONFIRM_KEY] = (owner, spec, settings, seconds)
        return
    start_run(owner, spec, settings)


def confirm_start() -> None:
    pending = st.session_state.pop(CONFIRM_KEY, None)
    if pending:
        start_run(*pending[:3])


def confirm_cancel() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def start_controls(owner: str, spec: dict, settings: dict, *, ok: bool) -> None:
    """The quick demo (a short first run, always the main action), then the design's own run,
    with its expected duration; a long run asks to confirm before it starts."""
    demo_spec, demo_settings = quick_demo_design()
    st.button(
        t("trainp.quick_demo"),
        key="train_quick",
        type="primary",
        icon=":material/bolt:",
        on_click=start_run,
        args=(owner, demo_spec, demo_settings),
    )
    st.caption(
        t(
            "trainp.quick_demo_help",
            name=model_title(demo_spec.get("name", "fast_small")),
            text=settings_text(demo_settings),
        )
    )
    st.markdown(t("trainp.own_title"))
    st.button(
        t("trainp.start"),
        key="train_start",
        icon=":material/play_arrow:",
        on_click=ask_or_start,
        args=(owner, spec, settings),
        disabled=not ok,
    )
    seconds = expected_seconds(spec, settings) if ok else None
    if seconds is not None:
        st.caption(t("trainp.expected", time=fmt_duration_rough(seconds)))
    pending = st.session_state.get(CONFIRM_KEY)
    if pending and pending[0] == owner:
        st.warning(
            t("trainp.confirm.text", time=fmt_duration_rough(pending[3])),
            icon=":material/schedule:",
        )
        yes, no = st.columns(2)
        yes.button(
            t("trainp.confirm.yes"),
            key="train_confirm_start",
            icon=":material/play_arrow:",
            on_click=confirm_start,
        )
        no.button(
            t("trainp.confirm.no"),
            key="train_confirm_cancel",
            icon=":material/close:",
            on_click=confirm_cancel,
        )
    cap_note()
    show_start_problems(owner)


def show_start_problems(owner: str) -> None:
    if st.session_state.get(BUSY_KEY):
        st.warning(t("trainp.state.busy"), icon=":material/hourglass_top:")
        st.button(
            t("trainp.retry"),
            key="train_retry",
            icon=":material/refresh:",
            on_click=retry_run,
            args=(owner,),
        )
    if st.session_state.get(ERROR_KEY):
        st.error(st.session_state[ERROR_KEY], icon=":material/error:")


def cancel_run() -> None:
    handle = st.session_state.get(HANDLE_KEY)
    if handle is not None:
        handle.cancel()


def slots() -> int:
    try:
        return train_slots()
    except ValueError:  # a bad setting is the server's problem; the engine reports it
        return 1


def cap_note() -> None:
    """One line under the start buttons: how long this server lets one run take."""
    try:
        cap = max_run_seconds()
    except ValueError:
        return
    if cap is not None:
        st.caption(t("queue.page.cap_note", limit=fmt_duration(cap)))
