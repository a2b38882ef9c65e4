"""Page helpers for datasets: loading with a progress bar, image grids, cached statistics.

Other pages (Train, Evaluate) can call :func:`load_with_progress` to get a dataset with the
progress of a first read or download drawn in the page, and a translated message instead of a
traceback when the data cannot be had.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import data
from ui.frame import current_language, number, t


def _time_left(started: float, fraction: float | None) -> str:
    if not fraction or fraction <= 0 or fraction >= 1:
        return ""
    elapsed = time.monotonic() - started
    if elapsed < 0.5:
        return ""
    seconds = round(elapsed * (1 - fraction) / fraction)
    if seconds >= 60:
        return t("data.time_left_min", minutes=number((seconds + 59) // 60))
    return t("data.time_left_s", seconds=seconds)


def load_with_progress(
    name: str = data.DEFAULT_DATASET,
    val_size: int = data.DEFAULT_VAL_SIZE,
    *,
    download: bool = True,
) -> data.Dataset | None:
    """Loads a dataset, drawing its progress (and time left) in the page.

    Args:
        name: one of :data:`cnn_core.data.DATASETS`.
        val_size: size of the validation split (the first training images).
        download: when ``False`` and the data is neither in ``CNN_STUDIO_DATA`` nor in Keras's
            cache, returns ``None`` at once instead of starting a download.

    Returns:
        The :class:`~cnn_core.data.Dataset`, or ``None`` when it is not available (after showing
        the reason with ``st.error`` if a download was tried).
    """
    if data.is_loaded(name):
        return data.load_dataset(name, val_size=val_size)
    if not download and data.locate(name) is None:
        return None
    lang = current_language()
    box = st.empty()
    bar = box.progress(0.0, text=t("data.progress.starting"))
    started = time.monotonic()

    def report(step: data.LoadProgress) -> None:
        fraction = 0.0 if step.fraction is None else min(max(step.fraction, 0.0), 1.0)
        text = step.message(lang)
        left = _time_left(started, step.fraction)
        bar.progress(fraction, text=f"{text} {left}".strip())

    try:
        dataset = data.load_dataset(name, val_size=val_size, progress=report)
    except data.DataUnavailableError as err:
        box.error(err.message(lang), icon=":material/cloud_off:")
        return None
    box.empty()
    return dataset


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """Enlarges an (H, W, C) uint8 image by pixel repetition, so small images stay crisp."""
    image = np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)
    return image[..., 0] if image.shape[-1] == 1 else image


def image_grid(images: np.ndarray, captions: list[str], *, size: int = 128) -> None:
    """Shows images side by side (wrapping) with a caption under each, in one element.

    Args:
        images: uint8 ``(N, H, W, C)``.
        captions: one text per image.
        size: shown width and height in pixels (images are enlarged by whole pixels).
    """
    if len(images) == 0:
        return
    factor = max(1, size // images.shape[1])
    st.image([upscale(img, factor) for img in images], caption=captions, width=size, alt=captions)


@st.cache_resource(show_spinner=False, max_entries=32)
def _histogram(name: str, source: str, val_size: int, split: str) -> np.ndarray:
    if source == "sample":
        dataset = data.load_sample_dataset(name)
    else:
        dataset = data.load_dataset(name, val_size=val_size)
    return data.channel_histogram(dataset.split(split)[0])


def split_histograms(dataset: data.Dataset) -> dict[str, np.ndarray]:
    """Per-channel pixel histograms of each non-empty split (cached across sessions)."""
    return {
        split: _histogram(dataset.name, dataset.source, dataset.val_size, split)
        for split, n in dataset.sizes().items()
        if n > 0
    }


def sample_rows(y: np.ndarray, class_filter: int | None, count: int, seed: int) -> np.ndarray:
    """Picks up to ``count`` positions of ``y`` (of one class, or any), reproducibly from ``seed``.

    Returns:
        Sorted positions into ``y``.
    """
    pool = np.arange(len(y)) if class_filter is None else np.flatnonzero(y == class_filter)
    if len(pool) <= count:
        return pool
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(pool, size=count, replace=False))


def stats_table(
    dataset: data.Dataset, hists: dict[str, np.ndarray], split_labels: dict[str, str]
) -> pd.DataFrame:
    """A table of per-channel mean and std (on [0, 1]) of each split, with translated headers.

    Args:
        dataset: the dataset the histograms belong to (for its shape and source).
        hists: ``{split: (C, 256) histogram}``; ``"all_train"`` may name train + validation.
        split_labels: the shown name of each split.

    Returns:
        A pandas DataFrame, one row per split.
    """
    height, width, channels = dataset.input_shape
    names = ["R", "G", "B"] if channels == 3 else [t("data.gray")]
    rows = []
    for split, hist in hists.items():
        mean, std = data.stats_from_histogram(hist)
        row = {
            t("data.stats_split"): split_labels[split],
            t("data.stats_images"): number(hist[0].sum() // (height * width)),
        }
        row.update(
            {
                t("data.stats_mean", channel=c): number(v, 4)
                for c, v in zip(names, mean, strict=True)
            }
        )
        row.update(
            {t("data.stats_std", channel=c): number(v, 4) for c, v in zip(names, std, strict=True)}
        )
        rows.append(row)
    return pd.DataFrame(rows)
