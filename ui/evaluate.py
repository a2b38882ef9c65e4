"""Helpers of the Evaluate page: scoring a model on its test set once, the blog comparison,
per-class accuracy, the confusion matrix, example images and downloads."""

from __future__ import annotations

import json
import math
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core.train.engine import Engine
from ui import models
from ui.charts import PALETTE, SEQUENTIAL, style
from ui.frame import current_language, number, t
from ui.models import ModelChoice
from ui.train_common import (
    dataset_name,
    done_text,
    finite,
    fmt_duration,
    fmt_num,
    fmt_pct,
    run_label,
)

# What the blog printed after 40 epochs (Keras's evaluate on the 10,000 test images).
BLOG_LINE = "Accuracy: 75.24% | Loss: 0.71711"
BLOG_ACCURACY = 0.7524


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


def choice_label(choice: ModelChoice) -> str:
    """The Evaluate picker's text: a run with how far it trained, a shipped model and its data."""
    if choice.kind == "run":
        info = choice.info
        return t("evalp.choice.run", label=run_label(info), epochs=done_text(info.epoch_log))
    from cnn_core.pretrained import title

    return t(
        "evalp.choice.pretrained",
        name=title(choice.name, current_language()),
        dataset=dataset_name(choice.dataset),
    )


def _load_choice(eng: Engine, choice: ModelChoice, owner: str):
    """Returns ``(model, dataset, model file path or None, design, stored metrics)``."""
    model = models.load_model(choice, owner, eng=eng)
    if choice.kind == "run":
        info = eng.load_run(choice.name, owner)
        path = Path(info.path) / "model.keras" if info.path is not None else None
        design = {"spec": info.spec, "settings": info.settings}
        return model, info.settings.get("dataset", "cifar10"), path, design, info.evaluation
    from cnn_core import pretrained

    item = choice.info
    path = Path(pretrained.MODELS_DIR) / f"{choice.name}.keras"
    design = {"spec": item.spec.to_dict(), "settings": item.settings or None}
    stored = {
        **dict(item.metrics or {}),
        "epochs": item.epochs,
        "train_seconds": item.train_seconds,
    }
    return model, item.dataset, path, design, stored


def evaluation_for(eng: Engine, choice: ModelChoice, owner: str) -> EvalResult:
    """Scores the chosen model on its test set, once per model (with a progress bar)."""
    from cnn_core.evaluate import evaluate_probs, predict_probs

    store = _evaluation_store()
    key = (choice.key, owner if choice.kind == "run" else "")
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
        model_id=choice.key,
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
    acc, loss = finite(stored.get("accuracy")), finite(stored.get("loss"))
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
    from cnn_core.data import class_names

    # A text alternative per picture for screen readers: its true class and the network's answer.
    ev, names = result.evaluation, class_names(result.dataset, current_language())
    alts = [
        t(
            "alt.eval.right" if ev.y_true[i] == ev.y_pred[i] else "alt.eval.wrong",
            true=names[int(ev.y_true[i])],
            pred=names[int(ev.y_pred[i])],
            prob=fmt_pct(ev.probs[i, int(ev.y_pred[i])]),
        )
        for i in indices
    ]
    st.image([_big(result.x[i]) for i in indices], caption=captions, width=96, alt=alts)


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
