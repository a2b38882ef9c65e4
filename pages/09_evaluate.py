import streamlit as st

from cnn_core.data import class_names
from ui import current_language, frame, models, t, visitor_id
from ui import evaluate as ev
from ui import train_common as tc
from ui.charts import CONFIG

frame("evaluate")
st.title(t("evalp.title"))
st.markdown(t("evalp.intro"))

with st.spinner(t("trainp.loading_engine")):
    eng = tc.engine()
owner = visitor_id()
choices = {choice.key: choice for choice in models.model_choices(owner, eng=eng)}
if not choices:
    st.info(t("evalp.nothing"), icon=":material/info:")
    st.page_link(
        tc.TRAIN_PAGE,
        label=t("evalp.to_train"),
        icon=":material/model_training:",
        query_params=tc.link_query(),
    )
    st.stop()

# Labels are made here, not inside format_func: Streamlit may call it outside this script run.
labels = {key: ev.choice_label(choice) for key, choice in choices.items()}
choice = st.selectbox(
    t("evalp.pick"),
    options=list(choices),
    format_func=labels.get,
    key="evaluate_model",
    placeholder=t("trainp.choose"),
)
result = ev.evaluation_for(eng, choices[choice], owner)
names = class_names(result.dataset, current_language())

st.subheader(t("evalp.score.title"))
ev.show_blog_comparison(result)
ev.show_stored_metrics(result)

st.subheader(t("evalp.per_class.header"))
st.plotly_chart(ev.per_class_figure(result, names), key="evaluate_per_class", config=CONFIG)
st.caption(ev.per_class_caption(result, names))

st.subheader(t("evalp.confusion.header"))
st.markdown(t("evalp.confusion.help"))
event = st.plotly_chart(
    ev.confusion_figure(result, names),
    key="evaluate_confusion",
    on_select="rerun",
    selection_mode="points",
    config=CONFIG,
)
st.caption(ev.confusion_caption(result, names))
ev.sync_cell_choice(ev.clicked_cell(event), ev.most_confused(result), model=choice)
left, right = st.columns(2)
true = left.selectbox(
    t("evalp.cell.true"),
    options=range(len(names)),
    format_func=names.__getitem__,
    key="evaluate_true",
    placeholder=t("trainp.choose"),
)
pred = right.selectbox(
    t("evalp.cell.pred"),
    options=range(len(names)),
    format_func=names.__getitem__,
    key="evaluate_pred",
    placeholder=t("trainp.choose"),
)
shown, total = ev.cell_examples(result, true, pred)
st.markdown(t("evalp.cell.count", n=total, true=names[true], pred=names[pred]))
ev.show_images(result, shown, [tc.fmt_pct(result.evaluation.probs[i, pred]) for i in shown])

st.subheader(t("evalp.mistakes.title"))
st.markdown(t("evalp.mistakes.help"))
mistakes = ev.confident_mistakes(result, k=12)
ev.show_images(
    result,
    [m.index for m in mistakes],
    [
        t("evalp.mistakes.caption", true=names[m.true], pred=names[m.pred], prob=tc.fmt_pct(m.prob))
        for m in mistakes
    ],
)

st.subheader(t("evalp.downloads"))
stem = ev.file_stem(choice)
col_model, col_metrics, col_design = st.columns(3)
if result.model_bytes:
    col_model.download_button(
        t("evalp.download.model"),
        data=result.model_bytes,
        file_name=f"{stem}.keras",
        mime="application/octet-stream",
        key="evaluate_dl_model",
        icon=":material/download:",
    )
col_metrics.download_button(
    t("evalp.download.metrics"),
    data=ev.metrics_csv(result, names),
    file_name=f"{stem}.csv",
    mime="text/csv",
    key="evaluate_dl_metrics",
    icon=":material/table:",
)
col_design.download_button(
    t("evalp.download.design"),
    data=ev.design_json(result),
    file_name=f"{stem}.json",
    mime="application/json",
    key="evaluate_dl_design",
    icon=":material/code:",
)
