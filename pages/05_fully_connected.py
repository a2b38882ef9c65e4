import numpy as np
import streamlit as st

from cnn_core import ops
from cnn_core.spec import shape_text
from ui import concepts, frame, number, t
from ui import concepts_more as more
from ui.numbers import decimal_slider

frame("fully_connected")
st.title(t("nav.fully_connected"))
st.markdown(t("fc.intro"))

# --- Flatten ---------------------------------------------------------------------------------
st.header(t("fc.flatten.header"))
st.markdown(t("fc.flatten.body"))
col_h, col_w, col_c, col_len = st.columns(4)
height = col_h.number_input(t("fc.flatten.h"), 1, 64, 4, key="fully_connected_h")
width = col_w.number_input(t("fc.flatten.w"), 1, 64, 4, key="fully_connected_w")
channels = col_c.number_input(t("fc.flatten.c"), 1, 512, 32, key="fully_connected_c")
length = ops.flatten(np.zeros((int(height), int(width), int(channels)))).size
col_len.metric(t("fc.flatten.length"), number(length))
st.markdown(t("fc.flatten.result", h=int(height), w=int(width), c=int(channels), n=number(length)))
flat_row = more.blog_rows("Flatten")[0]
flat_input = more.blog_summary().rows[flat_row.index - 1].output_shape
st.markdown(
    t(
        "fc.flatten.blog",
        shape=shape_text(flat_input),
        n=number(flat_row.output_shape[0]),
    )
)
# Label every cell of a 2x2x2 volume by its position, then let ops.flatten order the labels.
positions = list(np.ndindex(2, 2, 2))
order = ops.flatten(np.arange(8).reshape(2, 2, 2)).astype(int)
st.caption(t("fc.flatten.order", values=" → ".join(more.vector(positions[i], 0) for i in order)))

# --- A dense layer is a weighted sum ---------------------------------------------------------
st.header(t("fc.dense.header"))
st.markdown(t("fc.dense.body"))
input_cols = st.columns(5)
inputs = np.array(
    [
        decimal_slider(
            t("fc.dense.input", i=i + 1),
            -3.0,
            3.0,
            more.DENSE_INPUTS[i],
            0.5,
            key=f"fully_connected_x{i + 1}",
            container=input_cols[i],
        )
        for i in range(4)
    ]
)
# Labels are looked up now: AppTest calls format_func outside the script run.
act_labels = {name: t(f"fc.act.{name}") for name in ("linear", "relu", "sigmoid", "tanh")}
activation = input_cols[4].selectbox(
    t("fc.dense.activation"),
    list(act_labels),
    index=1,
    format_func=act_labels.get,
    placeholder=t("a11y.choose"),
    key="fully_connected_activation",
)
weights, bias = more.DENSE_WEIGHTS, more.DENSE_BIAS
sums = ops.dense(inputs, weights, bias)
outputs = ops.dense(inputs, weights, bias, activation)
neurons = [t("fc.dense.neuron", j=j + 1) for j in range(weights.shape[1])]

col_weights, col_sums = st.columns([2, 3])
with col_weights:
    big_i, big_j = np.unravel_index(np.argmax(np.abs(weights)), weights.shape)
    concepts.show_figure(
        more.labelled_matrix(
            np.vstack([weights, bias]),
            [f"x{i + 1}" for i in range(4)] + [t("fc.dense.bias_row")],
            neurons,
            title=t("fc.dense.weights"),
        ),
        "fully_connected_weights",
        t(
            "fc.dense.weights_caption",
            i=big_i + 1,
            j=big_j + 1,
            w=more.fmt(weights[big_i, big_j], 2),
        ),
    )
with col_sums:
    st.subheader(t("fc.dense.sums"))
    for j in range(weights.shape[1]):
        terms = " + ".join(
            f"({more.fmt(inputs[i], 2)} × {more.fmt(weights[i, j], 2)})" for i in range(4)
        )
        st.markdown(
            t(
                "fc.dense.line",
                j=j + 1,
                terms=terms,
                bias=more.fmt(bias[j], 2),
                z=more.fmt(sums[j]),
                act=act_labels[activation],
                a=more.fmt(outputs[j]),
            )
        )
    out_cols = st.columns(3)
    for j, col in enumerate(out_cols):
        col.metric(neurons[j], more.fmt(outputs[j]))
    st.caption(t("fc.dense.caption", act=act_labels[activation], values=more.vector(outputs)))

# --- Parameters ------------------------------------------------------------------------------
st.header(t("fc.params.header"))
st.markdown(t("fc.params.body"))
col_in, col_units, col_params = st.columns(3)
n_inputs = col_in.number_input(t("fc.params.inputs"), 1, 100_000, 512, key="fully_connected_in")
n_units = col_units.number_input(t("fc.params.units"), 1, 4096, 64, key="fully_connected_units")
n_params = ops.dense_params(int(n_inputs), int(n_units))
col_params.markdown(
    t(
        "fc.params.formula",
        inputs=number(n_inputs),
        units=number(n_units),
        params=number(n_params),
    )
)
dense_rows = more.blog_rows("Dense")
total = more.blog_summary().total_params
st.info(
    t(
        "fc.params.blog",
        inputs=number(flat_row.output_shape[0]),
        params=number(dense_rows[0].params),
        last=number(dense_rows[-1].params),
        total=number(total),
        share=more.fmt(100 * (dense_rows[0].params + dense_rows[-1].params) / total, 1),
    )
)

# --- The last layer: one neuron per class, then softmax -------------------------------------
st.header(t("fc.out.header"))
st.markdown(t("fc.out.body"))
names = concepts.class_names()
class_labels = dict(enumerate(names))
col_seed, col_class, col_boost = st.columns(3)
seed = col_seed.number_input(t("fc.out.seed"), 0, 999, 0, key="fully_connected_seed")
favoured = col_class.selectbox(
    t("fc.out.boost_class"),
    list(class_labels),
    format_func=class_labels.get,
    placeholder=t("a11y.choose"),
    key="fully_connected_class",
)
boost = decimal_slider(
    t("fc.out.boost"), 0.0, 5.0, 0.0, 0.5, key="fully_connected_boost", container=col_boost
)
hidden, out_weights = more.output_layer_example(int(seed))
out_bias = np.zeros(len(names))
out_bias[favoured] += boost
scores = ops.dense(hidden, out_weights, out_bias)
probs = ops.softmax(scores)
best = int(np.argmax(probs))
col_scores, col_probs = st.columns(2)
with col_scores:
    concepts.show_figure(
        more.bar_figure(
            names,
            scores,
            title=t("fc.out.scores_title"),
            y_title=t("fc.out.score"),
            highlight=best,
        ),
        "fully_connected_scores",
        t("fc.out.scores_caption", low=more.fmt(scores.min(), 2), high=more.fmt(scores.max(), 2)),
    )
with col_probs:
    concepts.show_figure(
        more.bar_figure(
            names,
            probs,
            title=t("fc.out.probs_title"),
            y_title=t("fc.out.prob"),
            highlight=best,
            percent=True,
        ),
        "fully_connected_probs",
        t(
            "fc.out.caption",
            name=names[best],
            score=more.fmt(scores[best], 2),
            prob=more.fmt(100 * probs[best], 1),
            total=more.fmt(probs.sum(), 3),
        ),
    )
st.markdown(t("fc.out.params", params=number(ops.dense_params(more.HIDDEN_UNITS, len(names)))))

# --- Self-check ------------------------------------------------------------------------------
st.header(t("fc.quiz.header"))
quiz_shape = more.blog_rows("Conv2D")[2].output_shape
quiz_length = ops.flatten(np.zeros(quiz_shape)).size
concepts.number_quiz(
    "fully_connected_quiz_flatten",
    t("fc.quiz.flatten", h=quiz_shape[0], w=quiz_shape[1], c=quiz_shape[2]),
    quiz_length,
    explanation=t(
        "fc.quiz.flatten_why",
        h=quiz_shape[0],
        w=quiz_shape[1],
        c=quiz_shape[2],
        answer=number(quiz_length),
    ),
)
quiz_params = ops.dense_params(quiz_length, 128)
concepts.number_quiz(
    "fully_connected_quiz_params",
    t("fc.quiz.params", units=128, inputs=number(quiz_length)),
    quiz_params,
    explanation=t(
        "fc.quiz.params_why",
        inputs=number(quiz_length),
        units=128,
        answer=number(quiz_params),
    ),
)
