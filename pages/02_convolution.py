import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import ops
from ui import concepts as cc
from ui import frame, number, t
from ui.charts import CONFIG
from ui.numbers import number_box

frame("convolution")
st.title(t("nav.convolution"))
st.markdown(t("conv.intro"))


def _step(delta: int, cells: int) -> None:
    st.session_state["conv_cell"] = (st.session_state.get("conv_cell", 0) + delta) % cells


def _reroll() -> None:
    st.session_state["conv_seed"] = st.session_state.get("conv_seed", 0) + 1


# 1. A small gray picture and a kernel
st.subheader(t("conv.setup.header"))
left, right = st.columns(2)
with left:
    picture, description = cc.image_picker("conv")
    side = st.select_slider(
        t("conv.setup.side"), [6, 8, 10, 12, 16, 24, 32], value=10, key="conv_side"
    )
    st.caption(t("conv.setup.side_help"))
gray = cc.to_gray(cc.resize(picture, side)).astype(np.float64)

learned = cc.learned_filters()
kinds = list(ops.KERNEL_NAMES) + (["learned"] if learned is not None else [])
with right:
    kind = st.selectbox(
        t("conv.kernel.kind"),
        kinds,
        format_func=cc.labels(kinds, "conv.kernel.{}").get,
        placeholder=t("a11y.choose"),
        key="conv_kind",
    )
    st.caption(t(f"conv.kernel.{kind}.help"))
    seed = st.session_state.get("conv_seed", 0)
    if kind == "learned":
        which = st.slider(t("conv.kernel.which"), 1, learned.shape[3], 1, key="conv_learned")
        # The picture is gray (R = G = B), so the filter's three colour slices simply add up.
        preset = learned[:, :, :, which - 1].sum(axis=2)
        editor_key = f"conv_editor_learned_{which}"
    else:
        ksize = st.radio(t("conv.kernel.size"), [3, 5], horizontal=True, key="conv_ksize")
        preset = ops.make_kernel(kind, ksize, seed=seed)
        editor_key = f"conv_editor_{kind}_{ksize}_{seed}"
        if kind == "random":
            st.button(t("conv.kernel.reroll"), on_click=_reroll, key="conv_reroll")
    ksize = preset.shape[0]
    st.markdown(t("conv.kernel.edit"))
    grid = pd.DataFrame(preset.round(3), columns=[str(c) for c in range(ksize)])
    edited = st.data_editor(grid, key=editor_key, width="stretch")
    kernel = np.nan_to_num(edited.to_numpy(dtype=np.float64))
    c_stride, c_pad, c_bias = st.columns(3)
    stride = c_stride.radio(t("conv.stride"), [1, 2, 3], horizontal=True, key="conv_stride")
    padding = c_pad.radio(
        t("conv.padding"),
        list(ops.PADDINGS),
        format_func=cc.labels(ops.PADDINGS, "conv.padding.{}").get,
        key="conv_padding",
    )
    bias = number_box(t("conv.bias"), key="conv_bias", default=0.0, container=c_bias) or 0.0

out = ops.conv2d(gray, kernel, [bias], stride, padding)[:, :, 0]
out_h, out_w = out.shape
(pad_top, pad_bottom), (pad_left, pad_right) = ops.pad_amounts(gray.shape, ksize, stride, padding)

# 2. How big is the output?
st.subheader(t("conv.size.header"))
st.markdown(t("conv.size.text"))
formula = (
    rf"\left\lfloor \frac{{{side} - {ksize} + {pad_top} + {pad_bottom}}}{{{stride}}} "
    rf"\right\rfloor + 1 = {out_h}"
)
st.latex(formula)
m_in, m_out, m_pad = st.columns(3)
m_in.metric(t("conv.size.in"), f"{side} × {side}")
m_out.metric(t("conv.size.out"), f"{out_h} × {out_w}")
m_pad.metric(t("conv.size.pad"), t("conv.size.pad_value", a=pad_top, b=pad_bottom))
st.caption(t(f"conv.size.note.{padding}"))

# 3. Slide the kernel, one output cell at a time
st.subheader(t("conv.step.header"))
cells = out_h * out_w
if st.session_state.get("conv_cell", 0) >= cells:
    st.session_state["conv_cell"] = 0
st.session_state.setdefault("conv_cell", 0)
b_prev, b_next, b_slider = st.columns([1, 1, 6], vertical_alignment="bottom")
b_prev.button(t("conv.step.prev"), on_click=_step, args=(-1, cells), key="conv_prev")
b_next.button(t("conv.step.next"), on_click=_step, args=(1, cells), key="conv_next")
if cells > 1:
    b_slider.slider(t("conv.step.cell"), 0, cells - 1, key="conv_cell")
i, j = divmod(st.session_state["conv_cell"], out_w)
terms = ops.conv_cell_terms(gray, kernel, [bias], i, j, 0, stride, padding)

sum_decimals = cc.number_decimals(out)
out_decimals = min(sum_decimals, 1)
w_decimals = cc.number_decimals(kernel)
padded = np.pad(gray, ((pad_top, pad_bottom), (pad_left, pad_right)))
col_in, col_out = st.columns(2)
with col_in:
    fig = cc.matrix_figure(
        padded,
        colorscale=cc.GRAY_COLORSCALE,
        zmin=0,
        zmax=255,
        row_offset=-pad_top,
        col_offset=-pad_left,
        title=t("conv.step.input"),
    )
    if padding == "same" and pad_top + pad_bottom + pad_left + pad_right:
        cc.add_window(fig, (0, side, 0, side), color=cc.HIGHLIGHT_ALT, width=2, dash="dash")
    cc.show_figure(
        cc.add_window(fig, terms.bounds),
        "conv_input",
        t("conv.step.input_caption", desc=description, r0=terms.bounds[0], c0=terms.bounds[2]),
    )
with col_out:
    fig = cc.matrix_figure(
        out, colorscale="RdBu", center=True, decimals=out_decimals, title=t("conv.step.output")
    )
    cc.show_figure(
        cc.add_window(fig, (i, i + 1, j, j + 1)),
        "conv_output",
        t(
            "conv.step.output_caption",
            h=out_h,
            w=out_w,
            lo=number(out.min(), out_decimals),
            hi=number(out.max(), out_decimals),
        ),
    )

# The multiply-and-sum of the current cell, with its real numbers
st.markdown(t("conv.step.explain", i=i, j=j))
c_win, c_ker, c_prod = st.columns(3)
window = np.where(terms.inside, terms.window[:, :, 0], 0.0)
small = {"height": 280, "row_offset": terms.bounds[0], "col_offset": terms.bounds[2]}
fig = cc.matrix_figure(
    window, colorscale=cc.GRAY_COLORSCALE, zmin=0, zmax=255, title=t("conv.step.window"), **small
)
c_win.plotly_chart(fig, key="conv_terms_window", config=CONFIG)
for column, values, name in (
    (c_ker, terms.kernel[:, :, 0], "kernel"),
    (c_prod, terms.products[:, :, 0], "products"),
):
    fig = cc.matrix_figure(
        values, colorscale="RdBu", center=True, decimals=w_decimals, title=t(f"conv.step.{name}")
    )
    column.plotly_chart(fig, key=f"conv_terms_{name}", config=CONFIG)
st.caption(t("conv.step.terms_caption", n=ksize * ksize, pad=int((~terms.inside).sum())))
st.markdown(
    t(
        "conv.step.sum",
        expr=cc.sum_expression(window, terms.kernel[:, :, 0], 0, w_decimals),
        bias=number(bias, cc.number_decimals(bias)),
        total=number(terms.total, sum_decimals),
    )
)
st.metric(t("conv.step.value", i=i, j=j), number(terms.total, sum_decimals))

# 4. Colour pictures and several filters
st.subheader(t("conv.depth.header"))
st.markdown(t("conv.depth.text"))
rgb = cc.resize(picture, side).astype(np.float64)
n_filters = st.slider(t("conv.depth.filters"), 1, 4, 3, key="conv_filters")
if learned is not None:
    weights, biases = learned[:, :, :, :n_filters], np.zeros(n_filters)
    st.caption(t("conv.depth.learned_note"))
else:
    rng = np.random.default_rng(7)
    weights = rng.normal(0.0, 0.2, (3, 3, 3, n_filters)).round(2)
    biases = rng.normal(0.0, 5.0, n_filters).round(1)
    st.caption(t("conv.depth.random_note"))
maps = ops.conv2d(rgb, weights, biases, stride, padding)
k_depth = weights.shape[0]
m_shape, m_params = st.columns(2)
m_shape.metric(t("conv.depth.shape"), f"{maps.shape[0]} × {maps.shape[1]} × {maps.shape[2]}")
m_params.metric(t("conv.depth.params"), number(ops.conv_params(k_depth, 3, n_filters)))
st.markdown(
    t(
        "conv.depth.params_formula",
        k=k_depth,
        f=n_filters,
        n=number(ops.conv_params(k_depth, 3, n_filters)),
    )
)
columns = st.columns(n_filters)
for f, column in enumerate(columns):
    fig = cc.matrix_figure(
        maps[:, :, f],
        colorscale="RdBu",
        center=True,
        annotate=False,
        title=t("conv.depth.map", n=f + 1),
    )
    column.plotly_chart(fig, key=f"conv_map_{f}", config=CONFIG)
st.caption(t("conv.depth.maps_caption", n=n_filters, h=maps.shape[0], w=maps.shape[1]))
st.markdown(t("conv.depth.slices"))
columns = st.columns(3)
for c, column in enumerate(columns):
    fig = cc.matrix_figure(
        weights[:, :, c, 0],
        colorscale="RdBu",
        center=True,
        decimals=2,
        title=t(f"inputs.channel.{cc.CHANNEL_NAMES[c]}"),
        height=260,
    )
    column.plotly_chart(fig, key=f"conv_slice_{c}", config=CONFIG)
st.caption(t("conv.depth.slices_caption", k=k_depth))
di, dj = min(i, maps.shape[0] - 1), min(j, maps.shape[1] - 1)
rgb_terms = ops.conv_cell_terms(rgb, weights, biases, di, dj, 0, stride, padding)
sums = [number(v, 1) for v in rgb_terms.channel_sums]
st.markdown(
    t(
        "conv.depth.cell",
        i=di,
        j=dj,
        r=sums[0],
        g=sums[1],
        b=sums[2],
        bias=number(rgb_terms.bias, 1),
        total=number(rgb_terms.total, 1),
    )
)

# 5. What the blog post says
meant = ops.conv_output_size(32, 5, 1, "valid")
blog_stride = ops.conv_output_size(32, 5, 2, "valid")
kept = ops.conv_output_size(32, 5, 1, "same")
cc.blog_callout(t("conv.blog.body", meant=meant, wrong=blog_stride, kept=kept))

# Self-check against cnn_core's numbers
st.subheader(t("concepts.quiz.title"))
q_size = ops.conv_output_size(28, 3, 2, "valid")
cc.number_quiz(
    "conv_quiz_size",
    t("conv.quiz.size"),
    q_size,
    explanation=t("conv.quiz.size_explain", n=q_size),
)
q_params = ops.conv_params(3, 3, 16)
cc.number_quiz(
    "conv_quiz_params",
    t("conv.quiz.params"),
    q_params,
    explanation=t("conv.quiz.params_explain", n=number(q_params)),
)
cc.quiz(
    "conv_quiz_same",
    t("conv.quiz.same"),
    [t("conv.quiz.same.a"), t("conv.quiz.same.b"), t("conv.quiz.same.c")],
    0,
    explanation=t("conv.quiz.same_explain", n=ops.conv_output_size(32, 3, 1, "same")),
)
