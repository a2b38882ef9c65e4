import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui import PAGES, frame, t
from ui.charts import CONFIG, PALETTE, style

lang = frame("home")
st.title(t("home.title"))
st.markdown(t("home.intro"))

history, path = st.columns([1, 1], gap="large")
with history:
    st.subheader(t("home.history.title"))
    st.markdown(t("home.history.body"))
    milestones = [("lenet", 7, "60k"), ("alexnet", 8, "60M"), ("googlenet", 22, "4M")]
    fig = go.Figure(
        go.Bar(
            x=[t(f"home.history.{name}") for name, _, _ in milestones],
            y=[layers for _, layers, _ in milestones],
            text=[t(f"home.history.params.{size}") for _, _, size in milestones],
            textposition="outside",
            marker_color=PALETTE[:3],
        )
    )
    fig.update_yaxes(title_text=t("home.history.layers"), range=[0, 27])
    # The title is text above the chart, not inside it: Plotly never wraps a title (cut on a phone).
    st.markdown(f"**{t('home.history.chart')}**")
    style(fig, height=300).update_layout(margin_t=16)  # no title inside: less room above
    st.plotly_chart(
        fig,
        key="home_history_chart",
        config=CONFIG,
        alt=t("home.history.caption"),
    )
    st.caption(t("home.history.caption"))

with path:
    st.subheader(t("home.path.title"))
    st.markdown(t("home.path.body"))
    for script, label_key, icon in PAGES[1:]:
        page_id = label_key.removeprefix("nav.")
        # A link's label stays on one line (cut on a phone): the page's name is the link and what
        # it teaches is a caption under it, which wraps.
        with st.container(gap=None):
            st.page_link(
                script,
                label=t(label_key),
                icon=icon,
                query_params={"lang": lang},
            )
            st.caption(t(f"home.path.{page_id}"))

st.subheader(t("home.sample.title"))
try:
    from cnn_core.data import class_names, load_sample

    x_sample, y_sample = load_sample("cifar10")
except (ImportError, OSError):
    x_sample = None
if x_sample is not None:
    if st.button(t("home.sample.shuffle"), key="home_shuffle"):
        st.session_state["home_seed"] = st.session_state.get("home_seed", 0) + 1
    rng = np.random.default_rng(st.session_state.get("home_seed", 0))
    names = class_names("cifar10", lang)
    picks = [int(rng.choice(np.flatnonzero(y_sample == c))) for c in range(len(names))]
    big = [np.kron(x_sample[i], np.ones((3, 3, 1), dtype=np.uint8)) for i in picks]
    labels = [names[int(y_sample[i])] for i in picks]
    # One element with a fixed width per picture: the row wraps (ten across on a laptop, four on
    # a phone) instead of each 32x32 picture being stretched to the screen's width.
    st.image(
        big,
        caption=labels,
        width=76,
        alt=[t("home.sample.alt", name=name) for name in labels],
    )
    st.caption(t("home.sample.caption", count=len(picks)))

with st.expander(t("home.blog.title")):
    st.markdown(t("home.blog.body"))
