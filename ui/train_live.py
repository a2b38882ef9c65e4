"""Train page: the live run view (a fragment redrawn about once a second), its states, progress,
curves, the waiting view and the last run's panel."""

from __future__ import annotations

import math

import streamlit as st

from cnn_core.train.engine import Engine
from cnn_core.train.errors import RunNotFoundError
from ui.charts import CONFIG, PALETTE, style
from ui.frame import number, t
from ui.train_common import (
    ACTIVE,
    CAPPED_KEY,
    DRAWN_STATUS_KEY,
    EVALUATE_PAGE,
    HANDLE_KEY,
    RUN_SETTINGS_KEY,
    RunView,
    done_text,
    ended_mid_epoch,
    evaluable,
    finite,
    fmt_duration,
    fmt_num,
    fmt_pct,
    last_val_accuracy,
    link_query,
    msg_text,
    settings_text,
    spec_facts,
)
from ui.train_controls import cancel_run, slots, stop_run

MAX_CURVE_POINTS = 800


def show_state(view: RunView) -> None:
    """The run's state as one clear sentence in the learner's language (never a traceback)."""
    status = view.status
    done = len(view.full_epochs)
    detail = msg_text(view.message_key, view.message_args)
    if status == "queued":
        st.info(t("trainp.state.queued"), icon=":material/hourglass_top:")
    elif status in ("waiting", "cancelled"):
        st.info(t(f"queue.msg.{status}"), icon=":material/hourglass_top:")
        detail = ""
    elif status == "running":
        st.info(t("trainp.state.running"), icon=":material/model_training:")
    elif status == "stopping":
        st.info(t("trainp.state.stopping"), icon=":material/pause_circle:")
    elif status == "stopped":
        # The engine's own "stopped" sentence says the same: one message is enough.
        detail = ""
        last = view.epoch_log[-1] if view.epoch_log else {}
        epoch = last.get("epoch") or done + 1
        if not ended_mid_epoch(view.epoch_log):
            text = t("trainp.state.stopped", epochs=done)
        elif last.get("batches"):
            text = t("trainp.state.stopped_mid", epoch=epoch, batches=number(last["batches"]))
        else:
            text = t("trainp.state.stopped_mid_nobatch", epoch=epoch)
        st.warning(text, icon=":material/stop_circle:")
    elif status == "finished":
        detail = ""
        val = last_val_accuracy(view.epoch_log)
        budget = (view.settings or {}).get("time_budget_s")
        capped = view.message_key == CAPPED_KEY
        mid = ended_mid_epoch(view.epoch_log) and not capped
        if budget and (view.message_key == "train.msg.time_up" or mid):
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
        if capped:  # the page says why the run ended before its plan
            st.info(msg_text(CAPPED_KEY, view.message_args), icon=":material/timer:")
    elif status == "diverged":
        st.error(t("trainp.state.diverged"), icon=":material/warning:")
        advice = [msg_text(k) for k in view.advice] or [
            t("trainp.advice.lower_lr"),
            t("trainp.advice.batchnorm"),
            t("trainp.advice.adam"),
        ]
        st.markdown(t("trainp.advice_intro") + "\n" + "\n".join(f"- {a}" for a in advice if a))
    elif status == "interrupted":
        # Without a full epoch there are no weights: say so, rather than "kept after 0 epochs".
        if done:
            text = t("trainp.state.interrupted", epochs=done)
        else:
            text = t("trainp.state.interrupted_early", button=t("trainp.start"))
        st.warning(text, icon=":material/power_off:")
    else:
        st.error(
            t("trainp.state.failed", reason=detail or t("trainp.reason.unknown")),
            icon=":material/error:",
        )
        detail = ""
    # While preparing, the progress bar already says what is happening: say it once.
    if detail and status != "running" and view.message_key not in PREPARING_KEYS:
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
    budget = finite((settings or {}).get("time_budget_s")) or None
    elapsed = finite(snap.elapsed_s) or 0.0
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
        return 0.0, msg_text(key) or t("trainp.progress.preparing")
    if budget and elapsed >= budget:
        return 1.0, t("trainp.progress.finishing", budget=fmt_duration(budget))
    if key == "train.msg.validating":
        return value, t("trainp.progress.validating", epoch=epoch)
    if budget:
        step = snap.batch_log[-1]["step"] if snap.batch_log else 0
        images = step * int((settings or {}).get("batch_size") or 0)
        return value, t(
            "trainp.progress_budget",
            used=fmt_duration(elapsed),
            budget=fmt_duration(budget),
            images=number(images),
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
    return [None if (v := finite(value)) is None else v * scale for value in values]


def by_images(view: RunView) -> bool:
    """Whether the x axis counts training images: until a run has a full epoch, "0 to 0.5
    epoch" says little, and a time-budgeted run may never finish one."""
    return not view.full_epochs and bool(batch_size(view))


def batch_size(view: RunView) -> int:
    return int((view.settings or {}).get("batch_size") or 0)


def _x_of_step(view: RunView, step: float) -> float:
    if by_images(view):
        return step * batch_size(view)
    return step / view.batches_per_epoch


def curve_figure(metric: str, view: RunView):
    """Training (per batch and per epoch) and validation curves of ``"loss"`` or ``"accuracy"``:
    validation on a fixed sample between epoch ends (from the run's first seconds), on the whole
    validation set at each epoch's end. The x axis is images seen until a full epoch exists."""
    import plotly.graph_objects as go

    fig = go.Figure()
    steps_known = view.batches_per_epoch or by_images(view)
    if view.batch_log and steps_known:
        pts = _thin(view.batch_log)
        fig.add_scatter(
            x=[_x_of_step(view, p["step"]) for p in pts],
            y=_plotted(metric, [p.get(metric) for p in pts]),
            mode="lines",
            name=t("trainp.curve.batch"),
            line={"color": PALETTE[4], "width": 1},
            opacity=0.7,
        )
    if view.val_log and steps_known:
        ys = _plotted(metric, [p.get(f"val_{metric}") for p in view.val_log])
        fig.add_scatter(
            x=[_x_of_step(view, p["step"]) for p in view.val_log],
            y=ys,
            mode="lines+markers",
            name=t("trainp.curve.val_sample", n=number(view.val_log[-1].get("sample", 0))),
            line={"color": PALETTE[5], "dash": "dot", "width": 1.5},
            marker={"symbol": "diamond-open", "size": 6},
        )
    epochs = [] if by_images(view) else view.full_epochs
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
        xaxis_title=t("trainp.axis.images" if by_images(view) else "trainp.axis.epoch"),
        yaxis_title=t(f"trainp.axis.{metric}"),
        legend={"orientation": "h", "y": -0.3},
    )
    return style(fig, height=330)


def _fmt_metric(metric: str, value) -> str:
    value = finite(value)
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
        if by_images(view):
            text = t("trainp.caption.images", images=number(last["step"] * batch_size(view)))
            text += " " + t(f"trainp.caption.train_{metric}", value=shown)
        else:
            text = t("trainp.caption.batch", step=last["step"], value=shown)
        if view.val_log:
            point = view.val_log[-1]
            text += " " + t(
                f"trainp.caption.val_{metric}",
                value=_fmt_metric(metric, point.get(f"val_{metric}")),
                n=number(point.get("sample", 0)),
            )
        return text
    return t("trainp.caption.empty")


def show_curves(view: RunView, key: str) -> None:
    left, right = st.columns(2)
    for column, metric in ((left, "loss"), (right, "accuracy")):
        with column:
            st.plotly_chart(curve_figure(metric, view), key=f"{key}_{metric}", config=CONFIG)
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
    if snap.status == "waiting":
        show_waiting(snap)
        return
    show_state(view)
    if snap.status in ACTIVE:
        show_progress(snap, settings)
        st.button(
            t("trainp.stop"),
            key="train_stop",
            icon=":material/stop:",
            on_click=stop_run,
            disabled=snap.status == "stopping",
        )
        st.caption(t("trainp.stop_help"))
    show_curves(view, key="train_live")
    drawn = st.session_state.get(DRAWN_STATUS_KEY) or {}
    moved_on = drawn.get(snap.run_id, snap.status) != snap.status
    if snap.status not in ACTIVE or moved_on:
        # The run ended, or moved on (queued -> running): the whole page, history included,
        # says so at once (once: the next run draws this status).
        st.session_state[DRAWN_STATUS_KEY] = {snap.run_id: snap.status}
        st.rerun()


def show_waiting(snap) -> None:
    """A run in line: its place, the estimated wait (both live) and a way out of the line."""
    position = number(snap.queue_position or 1)
    if finite(snap.eta_s) is None:
        st.info(t("queue.page.waiting_unknown", position=position), icon=":material/groups:")
    else:
        wait = fmt_duration(snap.eta_s)
        st.info(t("queue.page.waiting", position=position, wait=wait), icon=":material/groups:")
    st.caption(t("queue.page.waiting_help", slots=number(slots())))
    st.button(
        t("queue.page.cancel"),
        key="train_cancel",
        icon=":material/close:",
        on_click=cancel_run,
        help=t("queue.page.cancel_help"),
    )


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
        if view.evaluation.get("test_subsample"):
            subsample = view.evaluation
            n, total = number(subsample["test_subsample"]), number(subsample.get("test_total"))
            st.caption(t("queue.msg.test_subsample", n=n, total=total))
    if info is None or not evaluable(info):
        return  # the Evaluate page could not show it: no link to a dead end
    st.page_link(
        EVALUATE_PAGE,
        label=t("trainp.to_evaluate"),
        icon=":material/fact_check:",
        query_params=link_query(),
    )
