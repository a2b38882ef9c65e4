import numpy as np
import streamlit as st

from cnn_core import locales, ops
from cnn_core.spec import shape_text
from ui import charts, concepts, frame, number, t
from ui import concepts_more as more

frame("pooling")
st.title(t("nav.pooling"))
st.markdown(t("pool.intro"))

# --- Controls shared by the whole page ------------------------------------------------------
st.subheader(t("pool.controls"))
col_method, col_size, col_stride = st.columns(3)
# Labels are looked up now: AppTest calls format_func outside the script run.
method_labels = {name: t(f"pool.method.{name}") for name in ("max", "avg")}
method = col_method.radio(
    t("pool.method"),
    list(method_labels),
    format_func=method_labels.get,
    key="pooling_method",
)
pool = col_size.slider(t("pool.size"), 1, 4, 2, key="pooling_size")
stride = col_stride.slider(
    t("pool.stride"), 1, 4, 2, key="pooling_stride", help=t("pool.stride_help")
)
pool_fn = ops.max_pool2d if method == "max" else ops.avg_pool2d

# --- The 4x4 -> 2x2 example -----------------------------------------------------------------
st.header(t("pool.example.header"))
st.markdown(t("pool.example.intro"))
example = more.POOL_EXAMPLE
out = pool_fn(example, pool, stride)[:, :, 0]
out_h, out_w = out.shape
fig_in = concepts.matrix_figure(
    example, colorscale=charts.SEQUENTIAL_ALT, title=t("pool.example.input"), height=300
)
if method == "max":
    rows, cols = ops.max_pool2d_argmax(example, pool, stride)
    for r, c in zip(rows.ravel(), cols.ravel(), strict=True):
        concepts.add_window(fig_in, (r, r + 1, c, c + 1), width=5)
fig_out = concepts.matrix_figure(
    out,
    colorscale=charts.SEQUENTIAL_ALT,
    decimals=0 if method == "max" else 2,
    title=t("pool.example.output", h=out_h, w=out_w),
    height=300,
)
caption = t(f"pool.example.caption_{method}", p=pool, h=out_h, w=out_w)
col_in, col_out = st.columns(2)
with col_in:
    concepts.show_figure(fig_in, "pooling_example_in", caption)
with col_out:
    concepts.show_figure(
        fig_out,
        "pooling_example_out",
        t("pool.example.out_caption", values=more.listing(out.ravel(), 2)),
    )
with st.expander(t("pool.example.sums")):
    for row in range(out_h):
        for col in range(out_w):
            cell = ops.pool_cell_terms(example, row, col, pool_size=pool, strides=stride)
            values = cell["window"][cell["inside"]]
            if method == "max":
                line = t(
                    "pool.example.cell_max",
                    row=row,
                    col=col,
                    values=more.listing(values, 2),
                    result=more.fmt(out[row, col], 2),
                )
            else:
                line = t(
                    "pool.example.cell_avg",
                    row=row,
                    col=col,
                    values=" + ".join(more.fmt(v, 2) for v in values),
                    n=len(values),
                    result=more.fmt(out[row, col], 2),
                )
            st.markdown(line)

# --- How much the map shrinks ---------------------------------------------------------------
st.header(t("pool.size.header"))
st.markdown(t("pool.size.intro"))
n = st.columns(3)[0].number_input(t("pool.size.n"), 1, 512, 24, key="pooling_n")
side = ops.conv_output_size(int(n), pool, stride, "valid")
if side:
    st.markdown(t("pool.size.formula", n=int(n), p=pool, s=stride, out=side))
else:
    st.warning(t("pool.size.too_small", n=int(n), p=pool))

# --- On a real feature map ------------------------------------------------------------------
st.header(t("pool.map.header"))
st.markdown(t("pool.map.intro"))
col_pick, col_pic = st.columns([3, 1])
with col_pick:
    image, description = concepts.image_picker("pooling_pic")
    kernel = st.selectbox(
        t("pool.map.kernel"),
        list(more.EDGE_KERNELS),
        format_func=more.kernel_labels().get,
        placeholder=t("a11y.choose"),
        key="pooling_kernel",
    )
col_pic.image(image, caption=description, width=160, alt=t("alt.picker", what=description))
fmap = ops.relu(more.edge_map(image, kernel))
pooled = pool_fn(fmap, pool, stride)[:, :, 0]
col_before, col_after = st.columns(2)
with col_before:
    concepts.show_figure(
        more.map_figure(fmap, title=t("pool.map.before", h=fmap.shape[0], w=fmap.shape[1])),
        "pooling_map_in",
        t("pool.map.caption_in", h=fmap.shape[0], w=fmap.shape[1], high=more.fmt(fmap.max(), 2)),
    )
with col_after:
    concepts.show_figure(
        more.map_figure(pooled, title=t("pool.map.after", h=pooled.shape[0], w=pooled.shape[1])),
        "pooling_map_out",
        t(
            "pool.map.caption",
            method=t(f"pool.method.{method}"),
            p=pool,
            s=stride,
            h=fmap.shape[0],
            w=fmap.shape[1],
            before=number(fmap.size),
            oh=pooled.shape[0],
            ow=pooled.shape[1],
            after=number(pooled.size),
        ),
    )

# --- A 1x1 pool does nothing (a correction of the article) ----------------------------------
st.header(t("pool.one.header"))
concepts.blog_callout(t("pool.one.body"))
one = ops.max_pool2d(fmap, pool_size=1)[:, :, 0]
st.markdown(t("pool.one.check", h=fmap.shape[0], w=fmap.shape[1]))
if np.array_equal(one, fmap):
    st.success(t("pool.one.yes", shape=shape_text(fmap.shape)))
else:
    st.error(t("pool.one.no", shape_in=shape_text(fmap.shape), shape_out=shape_text(one.shape)))
unchanged = more.blog_unchanged_pools()
st.markdown(
    t(
        "pool.one.blog",
        # The preset's own layer names (not a visitor's), set in code spans.
        names=locales.Markdown(", ".join(f"`{row.name}`" for row, _ in unchanged)),
        shapes="; ".join(
            f"{shape_text(prev)} → {shape_text(row.output_shape)}" for row, prev in unchanged
        ),
    )
)

# --- Nothing to learn -----------------------------------------------------------------------
st.header(t("pool.params.header"))
st.markdown(t("pool.params.body"))
pool_rows = more.blog_rows("MaxPooling2D")
st.markdown(
    t(
        "pool.params.blog",
        count=len(pool_rows),
        params=sum(row.params for row in pool_rows),
        total=number(more.blog_summary().total_params),
    )
)

# --- Self-check -----------------------------------------------------------------------------
st.header(t("pool.quiz.header"))
quiz_in = more.blog_pool_input(1)
quiz_side = ops.conv_output_size(quiz_in[0], 2, 2, "valid")
concepts.number_quiz(
    "pooling_quiz_size",
    t("pool.quiz.size", n=quiz_in[0], c=quiz_in[2], p=2, s=2),
    quiz_side,
    explanation=t("pool.quiz.size_why", n=quiz_in[0], p=2, s=2, answer=quiz_side, c=quiz_in[2]),
)
concepts.number_quiz(
    "pooling_quiz_params",
    t("pool.quiz.params"),
    pool_rows[0].params,
    explanation=t("pool.quiz.params_why", answer=pool_rows[0].params),
)
