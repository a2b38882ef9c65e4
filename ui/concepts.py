"""Helpers shared by the concept pages (01-05): matrices as heatmaps with their numbers, pictures,
an image picker, self-check quizzes and the "if you read the blog post" box.

Everything here takes already translated text (call ``t(...)`` in the page) except the few fixed
labels it owns under the ``concepts.`` keys. Nothing here imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui import numbers
from ui.charts import PALETTE, SEQUENTIAL, style
from ui.frame import current_language, number, t

# A window / receptive field outline, and a second colour for other marks (argmax cells...).
HIGHLIGHT = PALETTE[5]  # vermillion
HIGHLIGHT_ALT = PALETTE[4]  # sky blue
CHANNEL_NAMES = ("R", "G", "B")
# Black to the full channel colour: the heatmap of the red channel looks red, and so on. These are
# the colours the numbers stand for, so here they beat the colour-blind palette (the names are
# always written beside them).
CHANNEL_COLORSCALES = (
    [[0.0, "#000000"], [1.0, "#ff0000"]],
    [[0.0, "#000000"], [1.0, "#00ff00"]],
    [[0.0, "#000000"], [1.0, "#0000ff"]],
)
GRAY_COLORSCALE = [[0.0, "#000000"], [1.0, "#ffffff"]]
PATTERN_NAMES = ("shapes", "checker", "gradient", "stripes")
# Past this many cells the numbers no longer fit in the cells; hover still shows them.
MAX_ANNOTATED_CELLS = 400


# ---------------------------------------------------------------------------------------------
# Numbers as text
# ---------------------------------------------------------------------------------------------


def labels(options, key_template: str) -> dict:
    """Translated labels for a widget's options, e.g. ``format_func=labels(opts, "a.b.{}").get``.

    Translating up front (instead of ``format_func=lambda o: t(...)``) keeps the labels right
    when Streamlit calls ``format_func`` outside the script run, as AppTest does.
    """
    return {option: t(key_template.format(option)) for option in options}


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def matrix_figure(
    values,
    *,
    colorscale=SEQUENTIAL,
    decimals: int = 0,
    annotate: bool | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    center: bool = False,
    title: str | None = None,
    row_offset: int = 0,
    col_offset: int = 0,
    showscale: bool = False,
    height: int | None = None,
    text=None,
) -> go.Figure:
    """A 2-D array as a heatmap laid out like an image (row 0 on top), with its numbers written in
    the cells.

    Cell ``(r, c)`` is drawn centred at ``x = c + col_offset``, ``y = r + row_offset``, so shapes
    from :func:`add_window` line up with input coordinates (use a negative offset to show padding).

    Args:
        values: 2-D array (NaN cells are left blank).
        colorscale: Plotly colour scale.
        decimals: digits shown in each cell.
        annotate: write the numbers; None means only when there are at most
            ``MAX_ANNOTATED_CELLS`` cells.
        zmin: bottom of the colour scale (the data's minimum when None).
        zmax: top of the colour scale.
        center: put 0 in the middle of the colour scale (for diverging scales such as "RdBu",
            so that positive and negative numbers get opposite colours).
        title: figure title (already translated).
        row_offset: coordinate of the first row.
        col_offset: coordinate of the first column.
        showscale: show the colour bar.
        height: figure height in pixels (square-ish from the shape when None).
        text: optional 2-D array of strings written instead of the numbers.

    Returns:
        A Plotly figure.
    """
    z = np.asarray(values, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"matrix_figure needs a 2-D array, got {z.shape}.")
    rows, cols = z.shape
    if center and zmin is None and zmax is None:
        finite = z[np.isfinite(z)]
        zmax = float(np.abs(finite).max()) if finite.size else 0.0
        zmax = zmax or 1.0
        zmin = -zmax
    if annotate is None:
        annotate = rows * cols <= MAX_ANNOTATED_CELLS
    if text is None:
        text = (
            np.vectorize(lambda v: "" if np.isnan(v) else number(v, decimals))(z) if z.size else z
        )
    heat = go.Heatmap(
        z=z,
        x=np.arange(cols) + col_offset,
        y=np.arange(rows) + row_offset,
        colorscale=colorscale,
        zmin=zmin,
        zmax=zmax,
        showscale=showscale,
        text=text,
        hovertemplate="(%{y}, %{x}): %{text}<extra></extra>",
        xgap=1 if annotate else 0,
        ygap=1 if annotate else 0,
    )
    fig = go.Figure(heat)
    if annotate and z.size:
        # The numbers are a text layer on top, each in black or white by its cell's brightness
        # (Plotly's heatmap text has one colour for all cells: unreadable on half of them).
        grid_r, grid_c = np.indices(z.shape)
        fig.add_trace(
            go.Scatter(
                x=(grid_c + col_offset).ravel(),
                y=(grid_r + row_offset).ravel(),
                text=np.asarray(text, dtype=object).ravel(),
                mode="text",
                textfont={
                    "size": 11 if max(rows, cols) <= 8 else 9,
                    "color": text_colours(z, colorscale, zmin, zmax).ravel().tolist(),
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    # Whole-number ticks on small matrices (Plotly would add 0.5 steps).
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False)
    fig.update_xaxes(constrain="domain", showgrid=False, side="top")
    if rows <= 16:
        fig.update_yaxes(dtick=1)
    if cols <= 16:
        fig.update_xaxes(dtick=1)
    auto_height = int(min(520, max(220, 28 * rows + 80)))
    style(fig, height=height or auto_height)
    if title:
        fig.update_layout(title={"text": title, "y": 0.98, "yanchor": "top"}, margin={"t": 70})
    return fig


def relative_luminance(rgb) -> float:
    """WCAG relative luminance (0 = black, 1 = white) of an ``(r, g, b)`` colour in 0..255."""
    linear = []
    for value in rgb:
        c = float(value) / 255
        linear.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = linear
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colours(values, colorscale, zmin=None, zmax=None) -> np.ndarray:
    """Black or white for each cell, whichever reads better on its colour in ``colorscale``.

    Args:
        values: 2-D array of the heatmap's numbers (NaN cells get black).
        colorscale: the Plotly colour scale name or list used by the heatmap.
        zmin: bottom of the colour scale (the data's minimum when None).
        zmax: top of the colour scale (the data's maximum when None).

    Returns:
        An array of ``"black"`` / ``"white"`` strings with the shape of ``values``.
    """
    from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

    z = np.asarray(values, dtype=np.float64)
    finite = z[np.isfinite(z)]
    low = float(finite.min()) if zmin is None and finite.size else float(zmin or 0.0)
    high = float(finite.max()) if zmax is None and finite.size else float(zmax or 0.0)
    span = high - low if high > low else 1.0
    fractions = np.clip(np.nan_to_num((z - low) / span, nan=0.0), 0.0, 1.0)
    scale = get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    colours = sample_colorscale(scale, fractions.ravel().tolist(), colortype="rgb")
    out = []
    for colour in colours:
        luminance = relative_luminance(unlabel_rgb(colour))
        # WCAG contrast ratios: (L + 0.05) / 0.05 against black, 1.05 / (L + 0.05) against white.
        black_wins = (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05)
        out.append("black" if black_wins else "white")
    return np.array(out, dtype=object).reshape(z.shape)


def add_window(
    fig: go.Figure,
    bounds: Sequence[int],
    *,
    color: str = HIGHLIGHT,
    width: int = 3,
    dash: str | None = None,
) -> go.Figure:
    """Outlines rows ``r0..r1-1`` and columns ``c0..c1-1`` (``bounds = (r0, r1, c0, c1)``, as
    :func:`cnn_core.ops.receptive_field` returns) on a :func:`matrix_figure`; returns the figure."""
    r0, r1, c0, c1 = (int(b) for b in bounds)
    fig.add_shape(
        type="rect",
        x0=c0 - 0.5,
        x1=c1 - 0.5,
        y0=r0 - 0.5,
        y1=r1 - 0.5,
        line={"color": color, "width": width, **({"dash": dash} if dash else {})},
        fillcolor="rgba(0,0,0,0)",
    )
    return fig


def mark_cells(fig: go.Figure, rows, cols, *, color: str = HIGHLIGHT_ALT) -> go.Figure:
    """Draws a thin box around each cell ``(rows[i], cols[i])``; returns the figure."""
    for r, c in zip(np.ravel(rows), np.ravel(cols), strict=True):
        add_window(fig, (r, r + 1, c, c + 1), color=color, width=2)
    return fig


def picture_figure(image, *, title: str | None = None, height: int = 300) -> go.Figure:
    """An RGB (``(H, W, 3)``) or gray (``(H, W)`` / ``(H, W, 1)``) uint8 picture, pixels as blocks.

    Args:
        image: uint8 array.
        title: figure title (already translated).
        height: figure height in pixels.

    Returns:
        A Plotly figure whose axes are pixel rows and columns (shapes line up as in
        :func:`matrix_figure`).
    """
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    fig = go.Figure(
        go.Image(z=arr.astype(np.uint8), hovertemplate="(%{y}, %{x}): %{z}<extra></extra>")
    )
    fig.update_xaxes(showgrid=False, side="top")
    fig.update_yaxes(showgrid=False, scaleanchor="x")
    style(fig, height=height)
    if title:
        fig.update_layout(title={"text": title, "y": 0.98, "yanchor": "top"}, margin={"t": 70})
    return fig


def show_figure(fig: go.Figure, key: str, caption: str) -> None:
    """Draws a chart and its one-line text summary underneath (every chart needs one)."""
    st.plotly_chart(fig, key=key, config={"displayModeBar": False})
    st.caption(caption)


# ---------------------------------------------------------------------------------------------
# Images to play with
# ---------------------------------------------------------------------------------------------


def to_gray(image) -> np.ndarray:
    """RGB uint8 ``(H, W, 3)`` to gray uint8 ``(H, W)`` (ITU-R 601 luma, as Pillow's "L")."""
    arr = np.asarray(image)
    if arr.ndim == 2:
        return arr.astype(np.uint8)
    if arr.shape[2] == 1:
        return arr[:, :, 0].astype(np.uint8)
    luma = arr[:, :, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    return np.clip(np.rint(luma), 0, 255).astype(np.uint8)


def resize(image, size: int) -> np.ndarray:
    """Shrinks (or grows) a uint8 picture to ``size x size`` by averaging (Pillow's box filter)."""
    from PIL import Image

    arr = np.asarray(image, dtype=np.uint8)
    if arr.shape[0] == size and arr.shape[1] == size:
        return arr
    squeeze = arr.ndim == 3 and arr.shape[2] == 1
    pil = Image.fromarray(arr[:, :, 0] if squeeze else arr)
    out = np.asarray(pil.resize((size, size), Image.Resampling.BOX))
    return out[:, :, None] if squeeze else out


def make_pattern(name: str, size: int = 32) -> np.ndarray:
    """A generated RGB picture with clear edges and colours (works with no data at all).

    Args:
        name: one of ``PATTERN_NAMES``.
        size: side in pixels.

    Returns:
        uint8 ``(size, size, 3)``.
    """
    r, c = np.mgrid[0:size, 0:size] / max(size - 1, 1)
    img = np.zeros((size, size, 3))
    if name == "shapes":
        img[:] = (20, 30, 60)
        square = (r > 0.15) & (r < 0.55) & (c > 0.1) & (c < 0.5)
        circle = (r - 0.65) ** 2 + (c - 0.65) ** 2 < 0.07
        img[square] = (230, 60, 40)
        img[circle] = (250, 220, 50)
    elif name == "checker":
        cells = ((np.floor(r * 3.999) + np.floor(c * 3.999)) % 2).astype(bool)
        img[cells] = (255, 255, 255)
        img[~cells] = (0, 90, 180)
    elif name == "gradient":
        img[:, :, 0] = 255 * c
        img[:, :, 1] = 255 * r
        img[:, :, 2] = 128
    elif name == "stripes":
        img[:] = np.where(((r + c) * 4).astype(int)[:, :, None] % 2 == 0, 230, 30)
    else:
        raise ValueError(f"Unknown pattern {name!r}; known: {PATTERN_NAMES}.")
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


@st.cache_resource(show_spinner=False)
def _sample(dataset: str):
    from cnn_core import data

    return data.load_sample(dataset)


def sample_images(dataset: str = "cifar10"):
    """The bundled sample ``(x, y)`` of ``dataset``, or None if it is not available."""
    try:
        return _sample(dataset)
    except Exception:  # sample file or module missing: the pages fall back to test patterns
        return None


def class_names(dataset: str = "cifar10") -> list[str]:
    """The class names of ``dataset`` in the session's language (numbers if unavailable)."""
    try:
        from cnn_core import data

        return data.class_names(dataset, current_language())
    except Exception:
        return [str(i) for i in range(10)]


def image_picker(key: str, *, allow_upload: bool = True, size: int = 32) -> tuple[np.ndarray, str]:
    """Lets the reader choose a picture: a real CIFAR-10 photo, a test pattern or their own upload.

    Widgets get keys ``f"{key}_source"``, ``f"{key}_class"``, ``f"{key}_index"``,
    ``f"{key}_pattern"`` and ``f"{key}_upload"``.

    Args:
        key: prefix for the widget keys (use your page id).
        allow_upload: offer the upload option.
        size: side of the returned picture.

    Returns:
        ``(image, description)``: uint8 RGB ``(size, size, 3)`` and a short translated text saying
        which picture it is.
    """
    samples = sample_images()
    sources = (["sample"] if samples is not None else []) + ["pattern"]
    if allow_upload:
        sources.append("upload")
    source = st.radio(
        t("concepts.picker.source"),
        sources,
        format_func=labels(sources, "concepts.picker.source.{}").get,
        horizontal=True,
        key=f"{key}_source",
    )
    if source == "sample":
        x, y = samples
        names = class_names()
        present = sorted(set(int(v) for v in y))
        label = st.selectbox(
            t("concepts.picker.class"),
            present,
            format_func=lambda i: names[i] if i < len(names) else str(i),
            placeholder=t("a11y.choose"),
            key=f"{key}_class",
        )
        members = np.flatnonzero(y == label)
        which = st.slider(
            t("concepts.picker.index"), 1, len(members), 1, key=f"{key}_index"
        )  # 1-based for people
        image = np.asarray(x[members[which - 1]])
        if image.shape[2] == 1:
            image = np.repeat(image, 3, axis=2)
        text = t("concepts.picker.sample_desc", name=names[label], number=which)
        return resize(image, size), text
    if source == "upload":
        from cnn_core.images import UPLOAD_TYPES, ImageError, prepare_image_cached

        upload = st.file_uploader(
            t("concepts.picker.upload"), type=UPLOAD_TYPES, key=f"{key}_upload"
        )
        if upload is not None:
            try:
                prepared = prepare_image_cached(upload.getvalue(), size=(size, size))
                return prepared.array, t("concepts.picker.upload_desc")
            except ImageError as err:
                st.error(err.message(current_language()))
        st.caption(t("concepts.picker.upload_wait"))
        source = "pattern"
    pattern = st.selectbox(
        t("concepts.picker.pattern"),
        PATTERN_NAMES,
        format_func=labels(PATTERN_NAMES, "concepts.pattern.{}").get,
        placeholder=t("a11y.choose"),
        key=f"{key}_pattern",
    )
    return make_pattern(pattern, size), t(
        "concepts.picker.pattern_desc", name=t(f"concepts.pattern.{pattern}")
    )


# ---------------------------------------------------------------------------------------------
# Self-checks and call-outs
# ---------------------------------------------------------------------------------------------


def quiz(
    key: str,
    question: str,
    options: Sequence[str],
    correct: int,
    *,
    explanation: str = "",
) -> bool | None:
    """A multiple-choice self-check: says right or wrong and, once answered, explains.

    Args:
        key: widget key.
        question: translated question.
        options: translated choices.
        correct: index of the right choice.
        explanation: translated explanation shown after a right answer (and behind "show the
            answer" after a wrong one).

    Returns:
        True / False once answered, None before.
    """
    with st.container(border=True):
        choice = st.radio(
            question, range(len(options)), format_func=lambda i: options[i], index=None, key=key
        )
        if choice is None:
            return None
        return _verdict(choice == correct, explanation, key)


def number_quiz(
    key: str,
    question: str,
    answer: float,
    *,
    explanation: str = "",
    tolerance: float = 0.0,
    step: float = 1,
    number_format: str | None = None,
) -> bool | None:
    """A self-check answered with a number, compared with ``answer`` (computed by cnn_core).

    Args:
        key: widget key.
        question: translated question.
        answer: the right number.
        explanation: translated explanation (see :func:`quiz`).
        tolerance: accepted absolute difference.
        step: step of the number box (``1`` for whole numbers, ``0.01`` for decimals).
        number_format: e.g. ``"%.2f"``: the answer is written back with the decimals of
            ``step`` (in the visitor's decimal mark).

    Returns:
        True / False once answered, None before.
    """
    with st.container(border=True):
        # A text box read the visitor's way: "0,80" is 0.8 in Portuguese (a number box can't).
        decimals = numbers.step_decimals(step) if number_format else None
        given = numbers.number_box(question, key=key, decimals=decimals)
        if given is None:
            return None
        return _verdict(abs(float(given) - float(answer)) <= tolerance, explanation, key)


def _verdict(right: bool, explanation: str, key: str) -> bool:
    if right:
        st.success(t("concepts.quiz.right"), icon=":material/check_circle:")
        if explanation:
            st.markdown(explanation)
    else:
        st.error(t("concepts.quiz.wrong"), icon=":material/cancel:")
        if explanation:
            with st.expander(t("concepts.quiz.show_answer")):
                st.markdown(explanation)
    return right


def blog_callout(body: str) -> None:
    """The "If you read the blog post" box that corrects or completes the original text."""
    with st.container(border=True):
        # No ":material/menu_book:" here: inside Markdown, screen readers hear it as "menu_book
        # icon", in English, before the title.
        st.markdown(f"**{t('concepts.blog.title')}**")
        st.markdown(body)


# ---------------------------------------------------------------------------------------------
# Convolution helpers
# ---------------------------------------------------------------------------------------------


def learned_filters() -> np.ndarray | None:
    """First-layer filters ``(kh, kw, 3, F)`` of a shipped CIFAR-10 model, or None.

    Read with :func:`cnn_core.pretrained.first_layer_filters` (no TensorFlow: a small ``.npy``
    beside the model). Prefers the blog's architecture; None when no colour model is shipped.
    """
    try:
        from cnn_core.pretrained import first_layer_filters, list_pretrained

        names = [info.name for info in list_pretrained("cifar10")]
    except Exception:  # unreadable model folder: the option is just not offered
        return None
    for name in sorted(names, key=lambda n: (not n.startswith("blog"), n)):
        try:
            filters = np.asarray(first_layer_filters(name), dtype=np.float64)
        except Exception:
            continue
        if filters.ndim == 4 and filters.shape[2] == 3:
            return filters
    return None


def number_decimals(values, most: int = 2) -> int:
    """How many decimals show ``values`` faithfully (0 for whole numbers, at most ``most``)."""
    arr = np.asarray(values, dtype=np.float64)
    for decimals in range(most):
        if np.allclose(arr, np.round(arr, decimals), atol=1e-9):
            return decimals
    return most


def sum_expression(window, weights, value_decimals: int = 0, weight_decimals: int = 2) -> str:
    """``(a × w1) + (b × w2) + ...`` written with the real numbers, in reading order."""
    terms = [
        f"({number(v, value_decimals)} × {number(w, weight_decimals)})"
        for v, w in zip(np.ravel(window), np.ravel(weights), strict=True)
    ]
    return " + ".join(terms)
