import numpy as np
import streamlit as st

from cnn_core import ops
from cnn_core.spec import shape_text
from ui import concepts, frame, number, t
from ui import concepts_more as more
from ui.numbers import decimal_slider

frame("activation")
st.title(t("nav.activation"))
st.markdown(t("act.intro"))

# --- The four functions side by side -------------------------------------------------------
st.header(t("act.curves.header"))
x_mark = decimal_slider(
    t("act.curves.x"), -5.0, 5.0, 1.5, 0.5, key="activation_x", help=t("act.curves.x_help")
)
point = {
    "relu": float(ops.relu(x_mark)),
    "sigmoid": float(ops.sigmoid(x_mark)),
    "tanh": float(ops.tanh(x_mark)),
}
soft_point = ops.softmax([x_mark, 1.0, 0.0])
soft_text = more.vector(soft_point)
concepts.show_figure(
    more.functions_figure(x_mark),
    "activation_curves",
    t(
        "act.curves.caption",
        x=more.fmt(x_mark),
        relu=more.fmt(point["relu"]),
        sigmoid=more.fmt(point["sigmoid"]),
        tanh=more.fmt(point["tanh"]),
        softmax=soft_text,
    ),
)
# A Markdown table: st.dataframe would pull in pandas (~450 modules) just for four rows.
formulas = {
    "relu": "max(0, x)",
    "sigmoid": "1 / (1 + e^(−x))",
    "tanh": "(e^x − e^(−x)) / (e^x + e^(−x))",
    "softmax": "e^(xᵢ) / Σⱼ e^(xⱼ)",
}
values = {**{k: more.fmt(v) for k, v in point.items()}, "softmax": soft_text}
columns = [
    t("act.curves.col_function"),
    t("act.curves.col_formula"),
    t("act.curves.col_value", x=more.fmt(x_mark)),
    t("act.curves.col_range"),
]
rows = [[t(f"act.fn.{k}"), f"`{formulas[k]}`", values[k], t(f"act.range.{k}")] for k in formulas]
st.markdown(
    "\n".join("| " + " | ".join(cells) + " |" for cells in [columns, ["---"] * len(columns), *rows])
)

# --- ReLU on a real feature map -------------------------------------------------------------
st.header(t("act.map.header"))
st.markdown(t("act.map.intro"))
col_pick, col_pic = st.columns([3, 1])
with col_pick:
    image, description = concepts.image_picker("activation_pic")
    col_kernel, col_bias = st.columns(2)
    kernel = col_kernel.selectbox(
        t("act.map.kernel"),
        list(more.EDGE_KERNELS),
        format_func=more.kernel_labels().get,
        placeholder=t("a11y.choose"),
        key="activation_kernel",
    )
    bias = decimal_slider(
        t("act.map.bias"), -1.0, 1.0, 0.0, 0.05, key="activation_bias", container=col_bias
    )
col_pic.image(image, caption=description, width=160, alt=t("alt.picker", what=description))

before = more.edge_map(image, kernel, bias)
after = ops.relu(before)
negatives = int(np.count_nonzero(before < 0))
zeros = int(np.count_nonzero(after == 0))
pct = more.fmt(100 * zeros / after.size, 1)
shape = shape_text(after.shape)

col_neg, col_zero, col_shape = st.columns(3)
col_neg.metric(t("act.map.negatives"), t("act.map.count", count=negatives, total=before.size))
col_zero.metric(t("act.map.zeros"), t("act.map.count", count=zeros, total=after.size))
col_zero.caption(t("act.map.percent", pct=pct))
col_shape.metric(t("act.map.shape"), f"{shape} → {shape}")

col_before, col_after = st.columns(2)
with col_before:
    concepts.show_figure(
        more.map_figure(before, title=t("act.map.before"), signed=True),
        "activation_before",
        t(
            "act.map.caption_before",
            shape=shape,
            kernel=t(more.EDGE_KERNELS[kernel]),
            low=more.fmt(before.min(), 2),
            high=more.fmt(before.max(), 2),
            negatives=negatives,
        ),
    )
with col_after:
    concepts.show_figure(
        more.map_figure(after, title=t("act.map.after")),
        "activation_after",
        t("act.map.caption_after", shape=shape, zeros=zeros, pct=pct),
    )

# --- Softmax on scores the learner drags ----------------------------------------------------
st.header(t("act.softmax.header"))
st.markdown(t("act.softmax.intro"))
col_count, col_temp = st.columns(2)
count = col_count.slider(t("act.softmax.count"), 4, 10, 5, key="activation_count")
temperature = decimal_slider(
    t("act.softmax.temperature"),
    0.1,
    5.0,
    1.0,
    0.1,
    key="activation_temperature",
    container=col_temp,
)
names = concepts.class_names()[:count]
defaults = [2.0, 1.0, 0.5, 0.0, -1.0, 1.5, -0.5, 0.2, -2.0, 0.8]
slider_cols = st.columns(5)
logits = [
    decimal_slider(
        t("act.softmax.logit", name=names[i]),
        -5.0,
        5.0,
        defaults[i],
        0.1,
        key=f"activation_logit_{i}",
        container=slider_cols[i % 5],
    )
    for i in range(count)
]
probs = ops.softmax(logits, temperature=temperature)
best = int(np.argmax(probs))
concepts.show_figure(
    more.bar_figure(
        names,
        probs,
        title=t("act.softmax.header"),
        y_title=t("act.softmax.prob"),
        highlight=best,
        percent=True,
    ),
    "activation_softmax",
    t(
        "act.softmax.caption",
        temperature=more.fmt(temperature, 1),
        name=names[best],
        prob=more.fmt(100 * probs[best], 1),
        count=count,
        total=more.fmt(probs.sum(), 3),
    ),
)

# --- Why ReLU ----------------------------------------------------------------------------------
st.header(t("act.why.header"))
st.markdown(t("act.why.body"))
concepts.blog_callout(t("act.why.softmax"))

# --- Self-check ---------------------------------------------------------------------------------
st.header(t("act.quiz.header"))
vector = np.round(np.asarray(logits), 1)
relu_vector = ops.relu(vector)
vector_text = more.vector(vector, 1)
zeros_answer = int(np.count_nonzero(relu_vector == 0))
concepts.number_quiz(
    "activation_quiz_zeros",
    t("act.quiz.zeros", vector=vector_text),
    zeros_answer,
    explanation=t(
        "act.quiz.zeros_why",
        vector=vector_text,
        result=more.vector(relu_vector, 1),
        answer=zeros_answer,
    ),
)
conv_shape = more.blog_rows("Conv2D")[1].output_shape
size_answer = ops.relu(np.zeros(conv_shape)).size
concepts.number_quiz(
    "activation_quiz_shape",
    t("act.quiz.shape", shape=shape_text(conv_shape)),
    size_answer,
    explanation=t(
        "act.quiz.shape_why",
        formula=" × ".join(str(v) for v in conv_shape),
        answer=number(size_answer),
    ),
)
