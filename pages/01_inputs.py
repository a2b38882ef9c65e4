import numpy as np
import streamlit as st

from ui import concepts as cc
from ui import frame, number, t
from ui.charts import CONFIG

frame("inputs")
st.title(t("nav.inputs"))
st.markdown(t("inputs.intro"))

# 1. The picture
st.subheader(t("inputs.pick.header"))
with st.columns([2, 3])[0]:
    image, description = cc.image_picker("inputs")
height, width, channels = image.shape

# 3's controls come first so the patch box can be drawn on the channel heatmaps.
st.subheader(t("inputs.channels.header"))
st.markdown(t("inputs.channels.text"))
with st.container(border=True):
    c_size, c_row, c_col = st.columns(3)
    size = c_size.slider(t("inputs.zoom.size"), 2, 8, 4, key="inputs_patch")
    row = c_row.slider(t("inputs.zoom.row"), 0, height - 2, height // 2 - 2, key="inputs_row")
    col = c_col.slider(t("inputs.zoom.col"), 0, width - 2, width // 2 - 2, key="inputs_col")
r0, c0 = min(row, height - size), min(col, width - size)
bounds = (r0, r0 + size, c0, c0 + size)

# 2. The three channels, each in its own colour
columns = st.columns(4)
with columns[0]:
    fig = cc.picture_figure(image, title=t("inputs.picture"), height=280)
    st.plotly_chart(cc.add_window(fig, bounds), key="inputs_picture", config=CONFIG)
for index, name in enumerate(cc.CHANNEL_NAMES):
    fig = cc.matrix_figure(
        image[:, :, index],
        colorscale=cc.CHANNEL_COLORSCALES[index],
        zmin=0,
        zmax=255,
        annotate=False,
        title=t(f"inputs.channel.{name}"),
        height=280,
    )
    with columns[index + 1]:
        st.plotly_chart(
            cc.add_window(fig, bounds, color="#ffffff"), key=f"inputs_ch_{name}", config=CONFIG
        )
means = image.reshape(-1, channels).mean(axis=0)
st.caption(
    t(
        "inputs.channels.caption",
        desc=description,
        r=number(means[0], 1),
        g=number(means[1], 1),
        b=number(means[2], 1),
    )
)

# 3. The actual numbers of the patch
st.subheader(t("inputs.zoom.header"))
scaled = st.toggle(t("inputs.zoom.scaled"), key="inputs_scaled")
patch = image[r0 : r0 + size, c0 : c0 + size].astype(np.float64)
shown = patch / 255.0 if scaled else patch
columns = st.columns(3)
for index, name in enumerate(cc.CHANNEL_NAMES):
    fig = cc.matrix_figure(
        shown[:, :, index],
        colorscale=cc.CHANNEL_COLORSCALES[index],
        zmin=0,
        zmax=1 if scaled else 255,
        decimals=2 if scaled else 0,
        annotate=True,
        title=t(f"inputs.channel.{name}"),
        row_offset=r0,
        col_offset=c0,
        height=320,
    )
    columns[index].plotly_chart(fig, key=f"inputs_patch_{name}", config=CONFIG)
top_left = image[r0, c0]
st.caption(
    t(
        "inputs.zoom.caption",
        r0=r0,
        r1=r0 + size - 1,
        c0=c0,
        c1=c0 + size - 1,
        r=int(top_left[0]),
        g=int(top_left[1]),
        b=int(top_left[2]),
    )
)

# 4. The tensor
st.subheader(t("inputs.tensor.header"))
st.markdown(t("inputs.tensor.text", h=height, w=width, c=channels))
m_shape, m_count, m_bytes = st.columns(3)
m_shape.metric(t("inputs.tensor.shape"), f"{height} × {width} × {channels}")
m_count.metric(t("inputs.tensor.count"), number(image.size))
m_bytes.metric(
    t("inputs.tensor.bytes"),
    t(
        "inputs.tensor.bytes_value",
        u8=number(image.astype(np.uint8).nbytes),
        f32=number(image.astype(np.float32).nbytes),
    ),
)
st.markdown(t("inputs.tensor.pixel", row=r0, col=c0, r=top_left[0], g=top_left[1], b=top_left[2]))
st.caption(t("inputs.tensor.gray"))

# 5. Scaling to [0, 1]
st.subheader(t("inputs.scale.header"))
st.markdown(t("inputs.scale.text"))
m_before, m_after = st.columns(2)
lo, hi = int(image.min()), int(image.max())
m_before.metric(t("inputs.scale.before"), t("inputs.scale.range", lo=lo, hi=hi))
m_after.metric(
    t("inputs.scale.after"),
    t("inputs.scale.range", lo=number(lo / 255, 3), hi=number(hi / 255, 3)),
)
red = int(top_left[0])
st.markdown(t("inputs.scale.example", v=red, s=number(red / 255, 3)))

# Self-check, answered against the real numbers
st.subheader(t("concepts.quiz.title"))
count = 32 * 32 * 3
cc.number_quiz(
    "inputs_quiz_count",
    t("inputs.quiz.count"),
    count,
    explanation=t("inputs.quiz.count_explain", n=number(count), m=number(image.size)),
)
cc.number_quiz(
    "inputs_quiz_scale",
    t("inputs.quiz.scale", v=red),
    round(red / 255, 2),
    tolerance=0.0051,
    step=0.01,
    number_format="%.2f",
    explanation=t("inputs.quiz.scale_explain", v=red, s=number(red / 255, 3)),
)
