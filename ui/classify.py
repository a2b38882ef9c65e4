"""Helpers of the Classify page: model choice and caching, upload handling, pictures and charts.

Pages stay short by calling these; nothing here draws unless its name says so (``show_*``).
TensorFlow is imported only when a model is actually loaded.
"""

from __future__ import annotations

import hashlib
import io
import math
import time
from dataclasses import dataclass
from functools import cache

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image

from cnn_core import images
from cnn_core.explain import top_k as _top_k
from cnn_core.images import ImageError, PreparedImage
from ui import models
from ui.charts import PALETTE, style
from ui.frame import current_language, percent, t
from ui.models import ModelChoice

CAM_SIZE = 256  # pixels per side of the Grad-CAM overlay

# --- models ----------------------------------------------------------------------------------


def chosen_dataset() -> str:
    """The dataset the visitor is working with: the Build page's choice, else CIFAR-10."""
    design = st.session_state.get("design")
    settings = design.get("settings") if isinstance(design, dict) else None
    dataset = settings.get("dataset") if isinstance(settings, dict) else None
    return dataset if isinstance(dataset, str) and dataset else "cifar10"


def choice_label(choice: ModelChoice) -> str:
    """The picker's text for a model, in the session language."""
    accuracy = (
        percent(choice.accuracy) if choice.accuracy is not None else t("classify.unknown_accuracy")
    )
    dataset = t(f"data.dataset.{choice.dataset}")
    if choice.kind == "pretrained":
        from cnn_core.pretrained import title

        name = title(choice.name, current_language())
        return t("classify.model.pretrained", name=name, dataset=dataset, accuracy=accuracy)
    if choice.kind == "run":
        return t(
            "classify.model.run",
            run=choice.name,
            dataset=dataset,
            epochs=choice.epochs,
            accuracy=accuracy,
        )
    return t("classify.model.untrained")


@st.cache_resource(max_entries=8, show_spinner=False)
def _predictor(kind: str, name: str, owner: str, key: str):
    # ``key`` is only part of the cache key: a run trained further is loaded again.
    from cnn_core.explain import Predictor

    return Predictor(models.load_model(ModelChoice(kind, name), owner))


def get_predictor(choice: ModelChoice, owner: str):
    """The cached :class:`~cnn_core.explain.Predictor` of a model (loaded once per process).

    Only this visitor's runs are keyed by ``owner``; shipped models are shared by everyone.
    """
    owner_key = owner if choice.kind == "run" else ""
    return _predictor(choice.kind, choice.name, owner_key, choice.key)


# --- photos ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    """One picture to classify: where it came from and its bytes."""

    name: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


@dataclass(frozen=True)
class Upload:
    """The outcome of preparing one photo: the prepared image or a translated error."""

    photo: Photo
    prepared: PreparedImage | None
    error: str | None
    seconds: float = 0.0


def target_of(input_shape) -> tuple[tuple[int, int], int]:
    """``(height, width, channels)`` of a model input -> ``((height, width), channels)``."""
    height, width, channels = (int(v) for v in input_shape)
    return (height, width), channels


def limit_files(files: list | None) -> list:
    """The first :data:`cnn_core.images.MAX_FILES_PER_PAGE` uploads, with a message if more came."""
    files = list(files or [])
    if len(files) > images.MAX_FILES_PER_PAGE:
        limit = images.MAX_FILES_PER_PAGE
        text = t("images.too_many_files", count=len(files), limit=limit)
        st.warning(text, icon=":material/filter_list:")
    return files[: images.MAX_FILES_PER_PAGE]


def handle_upload(photo: Photo, input_shape, lang: str) -> Upload:
    """Prepares one uploaded photo for a model; never raises for a bad file.

    Args:
        photo: the file's name and bytes.
        input_shape: the model's ``(height, width, channels)``.
        lang: language of the error message.

    Returns:
        An :class:`Upload` with ``prepared`` set, or ``error`` set to a message in ``lang``.
    """
    size, channels = target_of(input_shape)
    started = time.perf_counter()
    try:
        prepared = images.prepare_image_cached(photo.data, size=size, channels=channels)
    except ImageError as err:
        return Upload(photo, None, err.message(lang), time.perf_counter() - started)
    return Upload(photo, prepared, None, time.perf_counter() - started)


_PREPARED_KEY = "classify_prepared"
_PREPARED_MAX = 12


def prepare_cached(photo: Photo, input_shape, lang: str) -> Upload:
    """:func:`handle_upload`, remembered in this session so reruns (a new layer picked, a slider
    moved) do not decode the same photos again. Keeps the last few photos only."""
    memo = st.session_state.setdefault(_PREPARED_KEY, {})
    key = (photo.digest, photo.name, tuple(input_shape), lang)
    if key not in memo:
        memo[key] = handle_upload(photo, input_shape, lang)
        while len(memo) > _PREPARED_MAX:
            memo.pop(next(iter(memo)))
    return memo[key]


_SEEN_KEY = "classify_seen"


def newest_photo(photos: list[Photo]) -> int | None:
    """The index of the last photo that was not there on the page's previous run, if any.

    A photo just added (uploaded, taken with the camera, or drawn from the samples) is the one
    the learner wants analysed: the page selects it at once. Remembers the photos of this run.
    """
    seen = st.session_state.get(_SEEN_KEY) or set()
    digests = [photo.digest for photo in photos]
    st.session_state[_SEEN_KEY] = set(digests)
    new = [i for i, digest in enumerate(digests) if digest not in seen]
    return new[-1] if new else None


def network_input(array: np.ndarray, invert: bool) -> np.ndarray:
    """The array handed to the model: as prepared, or inverted (255 - x) for MNIST-style models."""
    return (255 - array) if invert else array


def sample_photo(dataset: str, index: int) -> tuple[Photo, int] | None:
    """A bundled test image as PNG bytes (so it goes through the same path as uploads).

    Returns:
        ``(photo, true_label)``, or ``None`` when the sample is not available.
    """
    try:
        from cnn_core.data import load_sample

        x, y = load_sample(dataset)
    except Exception:
        return None
    if len(x) == 0:
        return None
    index = int(index) % len(x)
    image = x[index]
    pil = Image.fromarray(image[:, :, 0] if image.shape[-1] == 1 else image)
    buf = io.BytesIO()
    pil.save(buf, "PNG")
    return Photo(f"sample-{dataset}-{index}", buf.getvalue()), int(y[index])


def sample_count(dataset: str) -> int:
    try:
        from cnn_core.data import load_sample

        return len(load_sample(dataset)[0])
    except Exception:
        return 0


def bright_background(array: np.ndarray) -> bool:
    """Whether a picture's border is mostly light (a dark digit on paper, unlike MNIST)."""
    a = np.asarray(array, dtype=np.float64)
    border = np.concatenate([a[0].ravel(), a[-1].ravel(), a[:, 0].ravel(), a[:, -1].ravel()])
    return float(border.mean()) > 127


# --- pictures --------------------------------------------------------------------------------


@cache
def _lut(scale: str) -> np.ndarray:
    from plotly.colors import get_colorscale, sample_colorscale

    colors = sample_colorscale(get_colorscale(scale), np.linspace(0, 1, 256).tolist())
    rgb = [[round(float(v)) for v in c[c.index("(") + 1 : -1].split(",")] for c in colors]
    return np.array(rgb, dtype=np.uint8)


def colorize(values: np.ndarray, low: float, high: float, scale: str = "Viridis") -> np.ndarray:
    """Maps values to RGB with a colour-blind-safe Plotly scale; ``low``/``high`` set its ends."""
    span = high - low
    scaled = np.zeros_like(values, dtype=np.float64) if span <= 0 else (values - low) / span
    index = np.clip(np.rint(np.nan_to_num(scaled) * 255), 0, 255).astype(np.int64)
    return _lut(scale)[index]


def channel_grid(
    fmap: np.ndarray, *, target_width: int = 960, gap: int = 1
) -> tuple[np.ndarray, float, float]:
    """Lays out every channel of a ``(h, w, channels)`` map as tiles of one colour image.

    All tiles share one colour scale (the layer's min..max), so a dim tile really is weaker than a
    bright one; each map pixel becomes a square block, so small maps stay readable.

    Returns:
        ``(rgb uint8 image, low, high)``.
    """
    h, w, n = fmap.shape
    cols = min(n, 16 if n > 32 else 8 if n > 8 else n)
    rows = math.ceil(n / cols)
    zoom = max(1, (target_width // cols - gap) // w)
    tile_h, tile_w = h * zoom, w * zoom
    low, high = float(fmap.min()), float(fmap.max())
    colored = colorize(fmap, low, high)  # (h, w, n, 3)
    canvas = np.full(
        (rows * (tile_h + gap) - gap, cols * (tile_w + gap) - gap, 3), 255, dtype=np.uint8
    )
    for c in range(n):
        r, k = divmod(c, cols)
        tile = np.repeat(np.repeat(colored[:, :, c], zoom, axis=0), zoom, axis=1)
        top, left = r * (tile_h + gap), k * (tile_w + gap)
        canvas[top : top + tile_h, left : left + tile_w] = tile
    return canvas, low, high


def cam_overlay(prepared: PreparedImage, cam: np.ndarray, aspect: float) -> np.ndarray:
    """The Grad-CAM map over the same centre crop the network received, at a readable size.

    The heat colour is blended in proportion to the map, so regions that did not count keep the
    photo's own colours.
    """
    crop = images.centre_crop(prepared.original, aspect)
    width = CAM_SIZE
    height = max(1, round(CAM_SIZE / aspect))
    base = np.asarray(crop.resize((width, height), Image.Resampling.LANCZOS), dtype=np.float64)
    heat = Image.fromarray(np.asarray(cam, np.float32), mode="F").resize(
        (width, height), Image.Resampling.BILINEAR
    )
    weight = np.clip(np.asarray(heat, dtype=np.float64), 0, 1)[..., None]
    colored = colorize(weight[..., 0], 0.0, 1.0, "Inferno").astype(np.float64)
    alpha = 0.7 * weight
    return np.clip(base * (1 - alpha) + colored * alpha, 0, 255).astype(np.uint8)


def hottest_region(cam: np.ndarray) -> str:
    """Catalog key naming the ninth of the picture where ``cam`` peaks (``classify.where.*``)."""
    h, w = cam.shape
    i, j = np.unravel_index(int(np.argmax(cam)), cam.shape)
    row = ("top", "", "bottom")[min(2, 3 * i // h)]
    col = ("left", "", "right")[min(2, 3 * j // w)]
    name = "_".join(p for p in (row, col) if p) or "center"
    return f"classify.where.{name}"


# --- charts ----------------------------------------------------------------------------------


def probability_chart(probs: np.ndarray, names: list[str], k: int) -> tuple[go.Figure, str]:
    """Horizontal bars of the ``k`` most likely classes, most likely on top, and its summary."""
    top = _top_k(probs, k)
    labels = [names[i] for i, _ in top][::-1]
    values = [p for _, p in top][::-1]
    colors = [PALETTE[4]] * (len(top) - 1) + [PALETTE[0]]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=colors,
            text=[percent(v) for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title_text=t("classify.chart.axis"))
    # Class names may be digits (MNIST): without this Plotly would draw them as numbers.
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_layout(title_text=t("classify.chart.title"), showlegend=False)
    style(fig, height=70 + 34 * len(top))
    ranked = _top_k(probs, 2)
    second = ranked[1] if len(ranked) > 1 else ranked[0]
    caption = t(
        "classify.chart.caption",
        label=names[ranked[0][0]],
        prob=percent(ranked[0][1]),
        second=names[second[0]],
        second_prob=percent(second[1]),
        count=len(probs),
    )
    return fig, caption


def cam_chart(cam: np.ndarray, label: str) -> go.Figure:
    """The raw Grad-CAM map as a heatmap with a 0..1 colour bar."""
    fig = go.Figure(
        go.Heatmap(
            z=cam,
            zmin=0,
            zmax=1,
            colorscale="Inferno",
            hovertemplate="(%{x}, %{y}): %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(title_text=t("classify.cam.chart", label=label))
    return style(fig, height=320)


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~:$")


def escape_markdown(text: str) -> str:
    """Escapes a visitor-supplied text (a file name) so Markdown shows it literally."""
    clean = "".join(ch for ch in str(text)[:120] if ch.isprintable())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in clean)
