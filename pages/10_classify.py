import time

import numpy as np
import streamlit as st
from PIL import Image

from cnn_core.data import class_names
from cnn_core.explain import map_stats
from cnn_core.images import UPLOAD_TYPES, upscale_nearest
from ui import classify as cl
from ui import frame, models, number, percent, t, visitor_id
from ui.charts import CONFIG

lang = frame("classify")
st.title(t("classify.title"))
st.markdown(t("classify.intro"))

# --- 1. the model --------------------------------------------------------------------------------
owner = visitor_id()
choices = {choice.key: choice for choice in models.model_choices(owner, untrained=True)}
# Labels are made here, not inside format_func: Streamlit may call it outside this script run.
labels = {key: cl.choice_label(choice) for key, choice in choices.items()}
# Opens with the best shipped model for the dataset in use (its recorded test accuracy).
default = models.default_choice(list(choices.values()), cl.chosen_dataset())
picked = st.selectbox(
    t("classify.model"),
    list(choices),
    index=list(choices).index(default.key),
    format_func=labels.__getitem__,
    help=t("classify.model.help"),
    placeholder=t("classify.placeholder"),
    key="classify_model",
)
choice = choices[picked]
if choice.kind == "untrained":
    st.warning(t("classify.untrained_warning"), icon=":material/casino:")
try:
    with st.spinner(t("classify.loading_model")):
        predictor = cl.get_predictor(choice, owner)
except Exception:
    st.error(t("classify.model_failed"), icon=":material/error:")
    st.stop()
names = class_names(choice.dataset, lang)
height, width, channels = predictor.input_shape

# --- 2. the photos -------------------------------------------------------------------------------
upload_col, other_col = st.columns([3, 2], gap="large")
with upload_col:
    st.caption(t("classify.upload.what"))
    files = st.file_uploader(
        t("classify.upload"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        help=t("classify.upload.help"),
        key="classify_upload",
    )
with other_col:
    sample_label = (
        "classify.sample_button" if choice.dataset == "cifar10" else "classify.sample_button.mnist"
    )
    if st.button(t(sample_label), icon=":material/shuffle:", key="classify_sample"):
        count = cl.sample_count(choice.dataset)
        st.session_state["classify_sample_index"] = int(
            np.random.default_rng().integers(max(count, 1))
        )
        st.session_state["classify_show_sample"] = True  # analyse the new sample, not photo 1
    shot = None
    if st.toggle(t("classify.camera_toggle"), key="classify_camera_on"):
        shot = st.camera_input(t("classify.camera"), key="classify_camera")

photos = [cl.Photo(f.name, f.getvalue()) for f in cl.limit_files(files)]
sample_photo = None
if shot is not None:
    photos.append(cl.Photo(t("classify.camera_name"), shot.getvalue()))
if "classify_sample_index" in st.session_state:
    sample = cl.sample_photo(choice.dataset, st.session_state["classify_sample_index"])
    if sample is None:
        st.info(t("classify.sample_unavailable"))
    else:
        photo, label = sample
        index = st.session_state["classify_sample_index"]
        sample_photo = cl.Photo(
            t("classify.sample_name", index=index, label=names[label]), photo.data
        )
        photos.append(sample_photo)
if not photos:
    st.info(t("classify.empty"), icon=":material/add_photo_alternate:")
    st.caption(t("classify.privacy"))
    st.stop()

uploads = [cl.prepare_cached(photo, predictor.input_shape, lang) for photo in photos]
for up in uploads:
    if up.error:
        st.error(t("classify.file_error", name=cl.escape_markdown(up.photo.name), message=up.error))
good = [up for up in uploads if up.prepared is not None]
newest = cl.newest_photo([up.photo for up in good])
if not good:
    st.stop()

if len(good) > 1:
    st.subheader(t("classify.gallery"))
    # One-channel (MNIST-style) models want light strokes on black: invert paper photos.
    arrays = [up.prepared.array for up in good]
    batch = np.stack(
        [cl.network_input(a, channels == 1 and cl.bright_background(a)) for a in arrays]
    )
    best = predictor.predict(batch).argmax(axis=1)
    st.image(
        [up.prepared.original for up in good],
        caption=[
            t("classify.gallery.predicted", index=i + 1, label=names[int(c)])
            for i, c in enumerate(best)
        ],
        width=120,
        alt=[
            t("alt.classify.gallery", index=i + 1, label=names[int(c)]) for i, c in enumerate(best)
        ],
    )
    st.caption(t("classify.gallery.caption", count=len(good)))
    if st.session_state.pop("classify_show_sample", False):
        shown = [i for i, up in enumerate(good) if up.photo == sample_photo]
        if shown:
            st.session_state["classify_pick"] = shown[-1]
    if newest is not None:  # a photo just added is analysed at once
        st.session_state["classify_pick"] = newest
    pick = st.selectbox(
        t("classify.pick"),
        range(len(good)),
        format_func=[f"{i + 1}. {up.photo.name}" for i, up in enumerate(good)].__getitem__,
        placeholder=t("classify.placeholder"),
        key="classify_pick",
    )
    current = good[min(pick, len(good) - 1)]
else:
    current = good[0]
prepared = current.prepared

# --- 3. what the model sees ----------------------------------------------------------------------
array = prepared.array
if channels == 1:
    invert_default = cl.bright_background(array)
    key = f"classify_invert_{current.photo.digest}"
    array = cl.network_input(array, st.toggle(t("classify.invert"), value=invert_default, key=key))
small = Image.fromarray(array[:, :, 0] if channels == 1 else array)

started = time.perf_counter()
explanation = predictor.explain(array, top_k=predictor.num_classes)
explain_ms = (time.perf_counter() - started) * 1000

st.header(t("classify.sees.title"))
col_photo, col_small, col_big = st.columns([2, 1, 2])
with col_photo:
    st.image(prepared.original, width=280, alt=t("alt.classify.original"))
    w0, h0 = prepared.upright_size
    rotated = t("classify.sees.rotated") if prepared.rotated else ""
    st.caption(t("classify.sees.original", width=number(w0), height=number(h0), rotated=rotated))
    if prepared.animated:
        st.caption(t("classify.sees.animated"))
with col_small:
    st.image(small, alt=t("alt.classify.small", width=width, height=height))
    st.caption(t("classify.sees.small", width=width, height=height))
with col_big:
    st.image(
        upscale_nearest(small, max(1, 256 // width)),
        alt=t("alt.classify.large", width=width, height=height),
    )
    st.caption(t("classify.sees.large", width=width, height=height))

# --- 4. the answer -------------------------------------------------------------------------------
st.header(t("classify.prediction.title"))
top_label = names[explanation.class_index]
top_prob = percent(explanation.top_probability)
if explanation.uncertain:
    st.warning(
        t(
            "classify.uncertain",
            label=top_label,
            prob=top_prob,
            entropy=percent(explanation.entropy, 0),
            count=len(names),
            classes=", ".join(names),
        ),
        icon=":material/help:",
    )
else:
    st.success(t("classify.confident", label=top_label, prob=top_prob), icon=":material/check:")
k = st.slider(t("classify.top_k"), 1, len(names), min(5, len(names)), key="classify_top_k")
figure, summary = cl.probability_chart(explanation.probs, names, k)
st.plotly_chart(figure, key="classify_probs_chart", config=CONFIG)
st.caption(summary)
prepare_ms = number(current.seconds * 1000, 0)
st.caption(t("classify.timing", prepare=prepare_ms, explain=number(explain_ms, 1)))

# --- 5. inside the network -----------------------------------------------------------------------
st.header(t("classify.inside.title"))
if not predictor.layer_names:
    st.info(t("classify.maps.none"))
else:
    st.markdown(t("classify.inside.intro"))
    maps = explanation.feature_maps
    options = {
        n: t(
            "classify.layer.option",
            name=n,
            height=m.shape[0],
            width=m.shape[1],
            channels=m.shape[2],
        )
        for n, m in maps.items()
    }
    layer = st.selectbox(
        t("classify.layer"),
        list(options),
        format_func=options.__getitem__,
        placeholder=t("classify.placeholder"),
        key="classify_layer",
    )
    fmap = maps[layer]
    stats = map_stats(fmap)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("classify.maps.min"), number(stats.minimum, 2, grouping=False))
    m2.metric(t("classify.maps.max"), number(stats.maximum, 2, grouping=False))
    m3.metric(t("classify.maps.zeros"), percent(stats.zero_fraction, 0))
    m4.metric(t("classify.maps.dead"), f"{stats.dead_channels} / {stats.channels}")
    grid, low, high = cl.channel_grid(fmap)
    st.image(grid, alt=t("alt.classify.maps", channels=stats.channels, layer=layer))
    st.caption(
        t(
            "classify.maps.caption",
            channels=stats.channels,
            height=fmap.shape[0],
            width=fmap.shape[1],
            layer=layer,
            low=number(low, 2, grouping=False),
            high=number(high, 2, grouping=False),
        )
    )
    if stats.minimum >= 0:
        st.caption(
            t(
                "classify.maps.zeros_note",
                zeros=percent(stats.zero_fraction, 0),
                dead=stats.dead_channels,
                channels=stats.channels,
            )
        )

# --- 6. where it looked --------------------------------------------------------------------------
st.header(t("classify.cam.title"))
if predictor.cam_layer is None:
    st.info(t("classify.cam.none"))
else:
    st.markdown(t("classify.cam.intro", layer=predictor.cam_layer))
    target = st.selectbox(
        t("classify.cam.class"),
        range(len(names)),
        index=explanation.class_index,
        format_func=names.__getitem__,
        placeholder=t("classify.placeholder"),
        key=f"classify_cam_class_{choice.key}_{current.photo.digest}",
    )
    cam = (
        explanation.cam if target == explanation.class_index else predictor.grad_cam(array, target)
    )
    if not np.any(cam > 0):
        st.info(t("classify.cam.empty", label=names[target]))
    col_overlay, col_heat = st.columns(2)
    with col_overlay:
        st.image(
            cl.cam_overlay(prepared, cam, width / height),
            width=320,
            alt=t("alt.classify.cam", label=names[target]),
        )
        st.caption(t("classify.cam.overlay_caption", label=names[target]))
    with col_heat:
        st.plotly_chart(cl.cam_chart(cam, names[target]), key="classify_cam_chart", config=CONFIG)
        where = t(cl.hottest_region(cam))
        st.caption(t("classify.cam.chart_caption", height=height, width=width, where=where))
st.caption(t("classify.privacy"))
