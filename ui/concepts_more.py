"""Helpers for the Activation, Pooling and Fully connected concept pages.

Builds on :mod:`ui.concepts` (matrices, image picker, quizzes). Everything numeric comes from
:mod:`cnn_core.ops` or :mod:`cnn_core.spec`; this module only picks inputs (an edge kernel, the
4x4 pooling example) and draws them. No TensorFlow here.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnn_core import ops
from ui import charts, concepts
from ui.frame import current_language, number, t

# Edge filters offered on the pages (names from ops.make_kernel), with their catalog labels.
EDGE_KERNELS = {
    "sobel_x": "act.kernel.sobel_x",
    "sobel_y": "act.kernel.sobel_y",
    "laplacian": "act.kernel.laplacian",
}
# A 4x4 map for the classic 2x2 max-pooling picture: each 2x2 quarter has a clear winner.
# Feature maps larger than this are drawn without their numbers (they would not be legible).
MAX_NUMBERED_CELLS = 100
POOL_EXAMPLE = np.array(
    [[1.0, 1.0, 2.0, 4.0], [5.0, 6.0, 7.0, 8.0], [3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 4.0]]
)

# The small dense layer of the Fully connected page: 4 inputs, 3 neurons (one column each).
DENSE_WEIGHTS = np.array([[0.5, -1.0, 0.25], [0.2, 0.4, -0.6], [-0.3, 0.8, 0.1], [1.0, -0.5, 0.7]])
DENSE_BIAS = np.array([0.1, -0.2, 0.05])
DENSE_INPUTS = (1.0, 2.0, -1.0, 0.5)
HIDDEN_UNITS = 64


def output_layer_example(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random ``Dense(64, relu)`` output and untrained ``Dense(10)`` weights ``(64, 10)``.

    The scale (0.25) keeps the scores within a few units, as in a freshly initialised network.
    """
    rng = np.random.default_rng(int(seed))
    hidden = ops.relu(rng.normal(0.0, 1.0, HIDDEN_UNITS))
    weights = rng.normal(0.0, 0.25, (HIDDEN_UNITS, 10))
    return hidden, weights


def kernel_labels() -> dict[str, str]:
    """``{kernel name: translated label}`` of ``EDGE_KERNELS``, translated now.

    A bound dict (not a lambda calling ``t``) as ``format_func``: Streamlit's AppTest calls
    ``format_func`` outside the script run, where the session language is not available.
    """
    return {name: t(key) for name, key in EDGE_KERNELS.items()}


def edge_map(image: np.ndarray, kernel_name: str, bias: float = 0.0) -> np.ndarray:
    """The feature map of a 3x3 edge kernel on the greyscale picture (no padding: 32 -> 30).

    Args:
        image: uint8 RGB ``(H, W, 3)``.
        kernel_name: a key of ``EDGE_KERNELS`` (see :func:`cnn_core.ops.make_kernel`).
        bias: added to every cell (the filter's bias).

    Returns:
        float64 ``(H - 2, W - 2)``; pixels scaled to [0, 1] first, as the model's Rescaling does.
    """
    grey = concepts.to_gray(image).astype(np.float64) / 255.0
    kernel = ops.make_kernel(kernel_name, 3)
    return ops.conv2d(grey, kernel, bias=[bias], stride=1, padding="valid")[:, :, 0]


def map_figure(values: np.ndarray, *, title: str, signed: bool = False) -> go.Figure:
    """A feature map; signed maps use the diverging scale centred on zero."""
    values = np.asarray(values, dtype=np.float64)
    if signed:
        edge = float(np.abs(values).max()) or 1.0
        return concepts.matrix_figure(
            values,
            colorscale=charts.DIVERGING,
            zmin=-edge,
            zmax=edge,
            decimals=2,
            annotate=values.size <= MAX_NUMBERED_CELLS,
            title=title,
            showscale=True,
            height=380,
        )
    return concepts.matrix_figure(
        values,
        colorscale=charts.SEQUENTIAL,
        decimals=2,
        annotate=values.size <= MAX_NUMBERED_CELLS,
        title=title,
        showscale=True,
        height=380,
    )


def labelled_matrix(
    values: np.ndarray, row_labels: list[str], col_labels: list[str], *, title: str
) -> go.Figure:
    """A small signed matrix with its numbers and named rows and columns (e.g. dense weights)."""
    values = np.asarray(values, dtype=np.float64)
    edge = float(np.abs(values).max()) or 1.0
    text = np.vectorize(lambda v: fmt(v, 2))(values)
    fig = concepts.matrix_figure(
        values,
        colorscale=charts.DIVERGING,
        zmin=-edge,
        zmax=edge,
        title=title,
        text=text,
        height=360,
    )
    fig.update_yaxes(tickvals=list(range(len(row_labels))), ticktext=row_labels)
    fig.update_xaxes(tickvals=list(range(len(col_labels))), ticktext=col_labels, tickangle=0)
    return fig


def fmt(value: float, digits: int = 3) -> str:
    """A short number in the session's language: no trailing zeros, decimal comma in Portuguese."""
    return number(value, digits, grouping=False, trim=True)


def listing(values, digits: int = 3) -> str:
    """``a, b, c``; Portuguese separates with semicolons because its decimals use commas."""
    sep = "; " if current_language() == "pt" else ", "
    return sep.join(fmt(v, digits) for v in values)


def vector(values, digits: int = 3) -> str:
    """``(a, b, c)`` (see :func:`listing`)."""
    return f"({listing(values, digits)})"


def functions_figure(x_mark: float) -> go.Figure:
    """ReLU, sigmoid, tanh and softmax of ``(x, 1, 0)`` side by side, with ``x_mark`` marked."""
    xs = np.linspace(-5, 5, 201)
    panels = [
        ("act.fn.relu", ops.relu),
        ("act.fn.sigmoid", ops.sigmoid),
        ("act.fn.tanh", ops.tanh),
    ]
    fig = make_subplots(
        rows=1, cols=4, subplot_titles=[t(k) for k, _ in panels] + [t("act.fn.softmax")]
    )
    for col, (_, fn) in enumerate(panels, start=1):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=fn(xs),
                mode="lines",
                line={"color": charts.PALETTE[0], "width": 3},
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=[x_mark],
                y=[float(fn(x_mark))],
                mode="markers",
                marker={"color": charts.PALETTE[5], "size": 12},
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    probs = softmax_curve(xs)
    items = ["x", "1", "0"]
    for i, item in enumerate(items):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=probs[:, i],
                mode="lines",
                name=t("act.fn.softmax_item", item=item),
                line={"color": charts.PALETTE[i], "width": 3},
            ),
            row=1,
            col=4,
        )
    mark = softmax_curve(np.array([x_mark]))[0]
    fig.add_trace(
        go.Scatter(
            x=[x_mark] * 3,
            y=mark,
            mode="markers",
            showlegend=False,
            marker={"color": charts.PALETTE[5], "size": 10},
        ),
        row=1,
        col=4,
    )
    # The p(x)/p(1)/p(0) legend belongs to the softmax panel only: put it under that panel.
    softmax_left = fig.layout.xaxis4.domain[0]
    fig.update_layout(legend={"orientation": "h", "x": softmax_left, "xanchor": "left", "y": -0.15})
    return charts.style(fig, height=330)


def softmax_curve(xs: np.ndarray) -> np.ndarray:
    """Softmax of ``(x, 1, 0)`` for every x: ``(len(xs), 3)``."""
    xs = np.asarray(xs, dtype=np.float64)
    vectors = np.stack([xs, np.ones_like(xs), np.zeros_like(xs)], axis=1)
    return ops.softmax(vectors, axis=1)


def bar_figure(
    names: list[str],
    values: np.ndarray,
    *,
    title: str,
    y_title: str,
    highlight: int | None = None,
    percent: bool = False,
    height: int = 340,
) -> go.Figure:
    """A bar chart, one bar per name; the ``highlight`` bar in orange, the rest in blue."""
    values = np.asarray(values, dtype=np.float64)
    colours = [
        charts.PALETTE[1] if i == highlight else charts.PALETTE[0] for i in range(len(names))
    ]
    text = [f"{fmt(100 * v, 1)}%" if percent else fmt(v, 2) for v in values]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=colours,
            text=text,
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(title=title, yaxis_title=y_title)
    if percent:
        fig.update_yaxes(range=[0, max(1.0, float(values.max()) * 1.15)], tickformat=".0%")
    return charts.style(fig, height=height)


@st.cache_resource(show_spinner=False)
def blog_summary():
    """The summary of the article's model (``cnn_core.spec.summarize`` of the blog preset)."""
    from cnn_core.presets import get_preset
    from cnn_core.spec import summarize

    return summarize(get_preset("blog"))


def blog_rows(layer_type: str) -> list:
    """The rows of the blog model's summary whose type is ``layer_type``, in stack order."""
    return [row for row in blog_summary().rows if row.type == layer_type]


def blog_pool_input(position: int) -> tuple[int, ...]:
    """The input shape of the blog model's ``position``-th MaxPooling2D layer (0-based)."""
    rows = blog_summary().rows
    pool_row = blog_rows("MaxPooling2D")[position]
    return tuple(rows[pool_row.index - 1].output_shape)


def blog_unchanged_pools() -> list[tuple]:
    """``(row, input_shape)`` of the blog's pooling layers whose output shape equals the input's."""
    rows = blog_summary().rows
    return [
        (row, rows[row.index - 1].output_shape)
        for row in blog_rows("MaxPooling2D")
        if row.index > 0 and tuple(row.output_shape) == tuple(rows[row.index - 1].output_shape)
    ]
