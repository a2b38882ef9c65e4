import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import data
from ui import frame, number, t
from ui.charts import CONFIG, PALETTE, style
from ui.data import (
    image_grid,
    load_with_progress,
    sample_rows,
    split_histograms,
    stats_table,
)

GRID_SIZE = 40

lang = frame("data")
st.title(t("data.title"))
st.markdown(t("data.intro"))

# --- Which dataset, and how much of the training set becomes validation ---
left, right = st.columns(2)
name = left.selectbox(
    t("data.choose"),
    options=list(data.DATASETS),
    format_func={n: t(f"data.dataset.{n}") for n in data.DATASETS}.__getitem__,
    placeholder=t("a11y.choose"),
    key="data_dataset",
)
val_size = right.number_input(
    t("data.val_size"),
    min_value=0,
    max_value=20000,
    value=data.DEFAULT_VAL_SIZE,
    step=1000,
    help=t("data.val_size_help"),
    key="data_val_size",
)
st.caption(t(f"data.about.{name}"))

dataset = load_with_progress(name, int(val_size), download=False)
if dataset is None:
    st.warning(t("data.sample_only", name=t(f"data.dataset.{name}")), icon=":material/info:")
    mb = number(round(data.download_megabytes(name)))
    if st.button(t("data.download", mb=mb), key="data_download", icon=":material/download:"):
        dataset = load_with_progress(name, int(val_size), download=True)
if dataset is None:
    dataset = data.load_sample_dataset(name)
sample_only = dataset.source == "sample"
names = dataset.class_names(lang)
sizes = dataset.sizes()
# Labels are looked up now, while the page runs: format_func may be called outside the run.
split_labels = {
    s: t("data.sample_label") if sample_only else t(f"data.split.{s}")
    for s in (*dataset.splits, "all_train")
}
class_labels = {None: t("data.all_classes"), **dict(enumerate(names))}

# --- Split sizes ---
st.subheader(t("data.splits_title"))
if sample_only:
    st.metric(t("data.sample_label"), number(sizes["test"]))
else:
    for column, split in zip(st.columns(3), dataset.splits, strict=True):
        column.metric(t(f"data.split.{split}"), number(sizes[split]))
    st.caption(
        t(
            "data.splits_caption",
            val=number(sizes["val"]),
            train=number(sizes["train"]),
            total=number(sizes["train"] + sizes["val"]),
        )
    )

# --- A grid of pictures ---
st.subheader(t("data.grid_title"))
shown_splits = ["test"] if sample_only else [s for s in dataset.splits if sizes[s] > 0]
c_split, c_class, c_seed = st.columns([2, 2, 1])
split = c_split.radio(
    t("data.split_label"),
    options=shown_splits,
    format_func=split_labels.__getitem__,
    horizontal=True,
    key="data_split",
)
class_filter = c_class.selectbox(
    t("data.class_filter"),
    options=list(class_labels),
    format_func=class_labels.__getitem__,
    placeholder=t("a11y.choose"),
    key="data_class",
)
seed = c_seed.number_input(t("data.seed"), min_value=0, value=0, step=1, key="data_seed")
st.button(
    t("data.another_batch"),
    key="data_another",
    icon=":material/shuffle:",
    on_click=lambda: st.session_state.update(data_seed=st.session_state.get("data_seed", 0) + 1),
)
split = split or shown_splits[0]
x, y = dataset.split(split)
rows = sample_rows(y, class_filter, GRID_SIZE, int(seed))
if sample_only:
    positions = data.load_sample_indices(name)[rows]
else:
    positions = rows + (0 if split != "train" else sizes["val"])
if len(rows) == 0:
    st.info(t("data.no_images"))
captions = [
    t("data.image_caption", label=names[y[r]], index=p)
    for r, p in zip(rows, positions, strict=True)
]
image_grid(x[rows], captions)
shown_total = len(y) if class_filter is None else int(np.sum(y == class_filter))
st.caption(t("data.grid_caption", shown=number(len(rows)), total=number(shown_total)))

# --- How many pictures of each class ---
st.subheader(t("data.counts_title"))
counts = {s: data.class_counts(dataset.split(s)[1]) for s in shown_splits}
fig = go.Figure()
for i, (s, c) in enumerate(counts.items()):
    fig.add_bar(x=names, y=c, name=split_labels[s], marker_color=PALETTE[i])
fig.update_layout(
    barmode="group",
    yaxis_title=t("data.counts_axis"),
    legend_title_text="",
    separators=",." if lang == "pt" else ".,",
)
st.plotly_chart(style(fig, height=360), key="data_counts_chart", config=CONFIG)
main = counts["test" if sample_only else "train"]
main_label = split_labels["test" if sample_only else "train"]
if main.min() == main.max():
    st.caption(t("data.counts_caption_equal", split=main_label, n=number(main.min())))
else:
    st.caption(
        t(
            "data.counts_caption",
            split=main_label,
            low=number(main.min()),
            high=number(main.max()),
            rare=names[int(main.argmin())],
            common=names[int(main.argmax())],
        )
    )

# --- Mean and standard deviation per channel ---
st.subheader(t("data.stats_title"))
st.markdown(t("data.stats_intro"))
with st.spinner(t("data.stats_computing"), show_time=True):
    hists = split_histograms(dataset)
if not sample_only and sizes["val"] > 0:
    hists = {"all_train": hists["train"] + hists["val"], **hists}
# A static table: four rows need no search, download or full-screen tool bar (English-only tips).
st.table(stats_table(dataset, hists, split_labels), hide_index=True)
first_mean, first_std = data.stats_from_histogram(next(iter(hists.values())))
st.caption(
    t(
        "data.stats_caption",
        mean=" / ".join(number(m, 4) for m in first_mean),
        std=" / ".join(number(s, 4) for s in first_std),
    )
)
