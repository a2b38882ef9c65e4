"""Train page: every run of the visitor (a table), comparison of runs, continue and delete."""

from __future__ import annotations

import streamlit as st

from cnn_core.train import settings as train_settings
from cnn_core.train.engine import Engine
from ui.charts import CONFIG, PALETTE, style
from ui.frame import number, t
from ui.train_common import (
    ACTIVE,
    DRAWN_STATUS_KEY,
    ERROR_KEY,
    FLASH_KEY,
    HANDLE_KEY,
    MISSING,
    best_val,
    dataset_name,
    ended_mid_epoch,
    engine,
    epoch_values,
    fmt_duration_rough,
    fmt_num,
    fmt_pct,
    full_epochs,
    optimizer_name,
    reason_text,
    run_label,
    spec_facts,
    status_label,
    test_score,
)
from ui.train_controls import continue_run, expected_seconds
from ui.train_live import _plotted


def _best(epoch_log: list, key: str):
    return max(epoch_values(epoch_log, key), default=None)


def _lowest(epoch_log: list, key: str):
    return min(epoch_values(epoch_log, key), default=None)


def live_snapshots() -> dict:
    """``{run id: snapshot}`` of this session's run, from the engine's live state (the stored
    record can lag behind, e.g. still say "queued" while the run trains)."""
    handle = st.session_state.get(HANDLE_KEY)
    if handle is None:
        return {}
    return {handle.run_id: handle.snapshot()}


def epochs_cell(epoch_log: list, settings: dict) -> str:
    """How far a run got, in the history table: ``3 of 10``, ``1 + 40 batches`` (it ended inside
    an epoch), or just ``2`` for a time-budgeted run (its planned epochs are only a ceiling)."""
    full = len(full_epochs(epoch_log))
    if ended_mid_epoch(epoch_log) and epoch_log[-1].get("batches"):
        return t("trainp.col.epochs_part", full=full, batches=number(epoch_log[-1]["batches"]))
    if settings.get("time_budget_s") or not settings.get("epochs"):
        return str(full)
    return t("trainp.col.epochs_of", done=full, planned=settings["epochs"])


# The columns that matter, narrow enough to fit without scrolling sideways (the optimizer, the
# learning rate and the batch size are in the comparison table).
HISTORY_COLUMNS = (
    ("trainp.col.run", "small"),
    ("trainp.col.model", "medium"),
    ("trainp.col.status", "small"),
    ("trainp.col.epochs", "small"),
    ("trainp.col.val_acc", "small"),
    ("trainp.col.test_acc", "small"),
    ("trainp.col.params", "small"),
    ("trainp.col.dataset", "small"),
)


def history_frame(runs: list, live: dict | None = None):
    import pandas as pd

    live = live or {}
    rows = []
    for info in runs:
        name, _, params = spec_facts(info.spec)
        settings = info.settings or {}
        snap = live.get(info.run_id)
        status = snap.status if snap is not None else info.status
        epoch_log = snap.epoch_log if snap is not None else info.epoch_log
        row = {
            "trainp.col.run": info.run_id,
            "trainp.col.model": name,
            "trainp.col.status": status_label(status),
            "trainp.col.epochs": epochs_cell(epoch_log, settings),
            "trainp.col.val_acc": fmt_pct(best_val(epoch_log)),
            "trainp.col.test_acc": fmt_pct(test_score(info, "accuracy")),
            "trainp.col.params": number(params, missing=MISSING),
            "trainp.col.dataset": dataset_name(settings.get("dataset", "cifar10")),
        }
        rows.append({t(key): row[key] for key, _ in HISTORY_COLUMNS})
    return pd.DataFrame(rows, columns=[t(key) for key, _ in HISTORY_COLUMNS])


def history_columns() -> dict:
    """``column_config`` of the history table: widths that keep every column on screen."""
    return {t(key): st.column_config.Column(width=width) for key, width in HISTORY_COLUMNS}


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
        "trainp.col.status": lambda i: status_label(i.status),
        "trainp.col.val_acc": lambda i: fmt_pct(best_val(i.epoch_log)),
        "trainp.col.test_acc": lambda i: fmt_pct(test_score(i, "accuracy")),
        "trainp.col.test_loss": lambda i: fmt_num(test_score(i, "loss"), 4),
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


def delete_run(owner: str) -> None:
    eng = engine()
    run_id = st.session_state.get("train_delete_run")
    st.session_state["train_delete_confirm"] = False
    if not run_id:
        return
    try:
        eng.delete_run(run_id, owner)
    except Exception as error:
        st.session_state[ERROR_KEY] = t("trainp.delete.failed", reason=reason_text(error))
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
    live = live_snapshots()
    # The live panel reruns the page when this run's status moves on (see train_live).
    st.session_state[DRAWN_STATUS_KEY] = {r: snap.status for r, snap in live.items()}
    st.dataframe(
        history_frame(runs, live),
        hide_index=True,
        key="train_history_table",
        column_config=history_columns(),
    )
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
                st.plotly_chart(
                    compare_figure(metric, infos), key=f"train_compare_{metric}", config=CONFIG
                )
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
            picked = by_id.get(st.session_state.get("train_continue_run"))
            extra = int(st.session_state.get("train_continue_epochs") or 1)
            seconds = expected_seconds(picked.spec, picked.settings, extra) if picked else None
            if seconds is not None:
                st.caption(t("trainp.expected", time=fmt_duration_rough(seconds)))
            st.button(
                t("trainp.continue.go"),
                key="train_continue",
                icon=":material/fast_forward:",
                on_click=continue_run,
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
                on_click=delete_run,
                args=(owner,),
                disabled=not confirmed,
            )
        else:
            st.caption(t("trainp.delete.none"))
