import functools

import streamlit as st

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.model import to_keras_code  # Keras is imported only inside build_model
from cnn_core.presets import PRESET_NAMES
from cnn_core.spec import ModelSpec, shape_text
from ui import build as ub
from ui import build_fixes as bf
from ui import design_state as ds
from ui import frame, number, t
from ui.charts import CONFIG
from ui.layout import icon_only_labels, narrow_screen

lang = frame("build")
ds.load_from_url()
design = ds.get_design()
token = ds.sync_url(design)
summary = ub.current_summary(design)
settings_clean, settings_problems = designs.check_settings(design["settings"])

st.title(t("build.title"))
st.markdown(t("build.intro"))
ds.show_flash()

# --- Start from a ready-made network -----------------------------------------------------------
preset_col, load_col, reset_col = st.columns([3, 1, 1], vertical_alignment="bottom")
preset_col.selectbox(
    t("build.preset.label"),
    PRESET_NAMES,
    format_func=ub.translator("spec.preset", lang, suffix="title"),
    placeholder=t("build.preset.placeholder"),
    key="build_preset",
)
load_col.button(t("build.preset.load"), key="build_preset_load", on_click=ub.load_preset)
reset_col.button(t("build.reset"), key="build_reset", on_click=ub.reset_design)
st.caption(ub.current_caption(design, summary, lang))
chosen = st.session_state.get("build_preset") or "blog"
if (chosen, False) != designs.base_preset(design["spec"]):
    st.caption(t("build.preset.will_load", about=t(f"spec.preset.{chosen}.about")))

editor_col, summary_col = st.columns(2, gap="large")

# --- The layer stack, one card per layer (scrolls beside the summary) ---------------------------
with editor_col:
    st.subheader(t("build.layers.title"))
    st.caption(t("build.layers.input", shape=shape_text(summary.spec.input_shape)))
    count = len(design["uids"])
    # On a phone an inner scroll box traps the thumb: there the cards flow with the page.
    height = "content" if narrow_screen() else ub.EDITOR_HEIGHT
    cards = st.container(height=height, border=False, key="build_cards")
    icon_only_labels("build_up_", "build_down_", "build_dup_", "build_rm_")  # the cards' buttons
    for i, (uid, layer, row) in enumerate(
        zip(design["uids"], design["spec"]["layers"], summary.rows, strict=True)
    ):
        with cards.container(border=True, key=f"build_card_{uid}"):
            head, up, down, dup, rm = st.columns([6, 1, 1, 1, 1], vertical_alignment="center")
            head.markdown(
                t(
                    "build.layer.header",
                    index=i + 1,
                    name=row.name,
                    kind=t(f"spec.layer.{row.type}"),
                    shape=shape_text(row.output_shape),
                )
            )
            up.button(
                t("build.layer.up"),
                icon=":material/arrow_upward:",
                key=f"build_up_{uid}",
                help=t("build.layer.up"),
                on_click=ub.move_layer,
                args=(uid, -1),
                disabled=i == 0,
            )
            down.button(
                t("build.layer.down"),
                icon=":material/arrow_downward:",
                key=f"build_down_{uid}",
                help=t("build.layer.down"),
                on_click=ub.move_layer,
                args=(uid, 1),
                disabled=i == count - 1,
            )
            dup.button(
                t("build.layer.duplicate"),
                icon=":material/content_copy:",
                key=f"build_dup_{uid}",
                help=t("build.layer.duplicate"),
                on_click=ub.duplicate_layer,
                args=(uid,),
            )
            rm.button(
                t("build.layer.remove"),
                icon=":material/delete:",
                key=f"build_rm_{uid}",
                help=t("build.layer.remove"),
                on_click=ub.remove_layer,
                args=(uid,),
            )
            ub.layer_editor(i, uid, layer, lang)
            for problem in summary.problems_for(i):
                show = st.error if problem.is_error else st.warning
                show(ub.problem_text(problem, lang), icon=":material/error:")
                bf.fix_button(problem, uid, "card", summary.spec.num_classes, lang)

    with st.container(border=True, key="build_add_row"):
        kind_col, where_col = st.columns(2, vertical_alignment="bottom")
        kind_col.selectbox(
            t("build.add.type"),
            ub.ADDABLE,
            format_func=ub.translator("spec.layer", lang),
            placeholder=t("build.placeholder"),
            key="build_add_type",
        )
        names = [row.name for row in summary.rows]
        where_col.selectbox(
            t("build.add.position"),
            list(range(count + 1)),
            index=count,
            format_func=functools.partial(ub.position_label, names=names, lang=lang),
            placeholder=t("build.placeholder"),
            key="build_add_position",
        )
        st.button(
            t("build.add.button"), key="build_add", on_click=ub.add_layer, icon=":material/add:"
        )

# --- What Keras would print, and more ----------------------------------------------------------
with summary_col:
    st.subheader(t("build.summary.title"))
    params_col, macs_col, memory_col = st.columns(3)
    figures = (
        (params_col, "params", ub.metric_value(summary.total_params, lang)),
        (macs_col, "macs", ub.fmt_compact(summary.total_macs, lang)),
        (memory_col, "memory", ub.fmt_bytes(summary.activation_bytes, lang)),
    )
    for column, name, value in figures:
        # A partial figure says so under the number (a "≥" inside would not fit the box).
        column.metric(
            t(f"build.metric.{name}"),
            value,
            delta=None if summary.ok else t("build.metric.partial_delta"),
            delta_color="off",
            delta_arrow="off",
            help=t(f"build.metric.{name}_help"),
        )
    if not summary.ok:
        st.caption(t("build.summary.partial"))
    else:
        st.caption(
            t(
                "build.summary.caption",
                macs=number(summary.total_macs),
                trainable=number(summary.trainable_params),
                frozen=number(summary.non_trainable_params),
                batch=design["settings"]["batch_size"],
                batch_memory=ub.fmt_bytes(
                    summary.training_memory_bytes(design["settings"]["batch_size"]), lang
                ),
            )
        )
    for problem in summary.problems:
        if problem.layer_index is None:
            st.error(ub.problem_text(problem, lang))
    if summary.ok:
        st.success(t("build.status.ok"), icon=":material/check_circle:")
    elif len(summary.errors) == 1:
        st.error(t("build.status.blocked_one"), icon=":material/block:")
    else:
        st.error(t("build.status.blocked", count=len(summary.errors)), icon=":material/block:")
    st.plotly_chart(
        ub.volume_figure(summary, lang), key="build_volume_chart", width="stretch", config=CONFIG
    )
    st.caption(ub.volume_caption(summary))

st.dataframe(
    ub.summary_frame(summary, lang),
    hide_index=True,
    width="stretch",
    height=ub.table_height(len(summary.rows)),
    column_config=ub.summary_columns(),
)
bf.show_problems(summary, design["uids"], lang)

# --- How to train it ---------------------------------------------------------------------------
st.header(t("build.settings.title"))
settings = design["settings"]
opt_col, lr_col, batch_col = st.columns(3)
with opt_col:
    st.selectbox(
        t("build.set.optimizer"),
        ub.with_current(designs.OPTIMIZERS, settings["optimizer"]),
        format_func=ub.translator("build.optimizer", lang),
        placeholder=t("build.placeholder"),
        **ub.bind_setting("optimizer"),
    )
with lr_col:
    st.select_slider(
        t("build.set.learning_rate"),
        ub.with_current(ub.LR_CHOICES, settings["learning_rate"]),
        format_func=functools.partial(locales.format_number, lang=lang),
        **ub.bind_setting("learning_rate"),
    )
with batch_col:
    st.select_slider(
        t("build.set.batch_size"),
        ub.with_current(ub.BATCH_CHOICES, settings["batch_size"]),
        **ub.bind_setting("batch_size"),
    )

budget_on = settings.get("time_budget_s") is not None
ub.init_widget("build_set_budget_on", budget_on)
st.toggle(t("build.set.budget_on"), key="build_set_budget_on", on_change=ub.set_budget_on)
length_col, schedule_col = st.columns(2)
with length_col:
    if budget_on:
        minutes = round(settings["time_budget_s"] / 60)
        ub.init_widget("build_set_budget_minutes", minutes)
        st.select_slider(
            t("build.set.budget_minutes"),
            ub.with_current(ub.BUDGET_MINUTES, minutes),
            key="build_set_budget_minutes",
            on_change=ub.set_budget_minutes,
        )
    else:
        st.number_input(
            t("build.set.epochs"),
            min_value=designs.EPOCHS_MIN,
            max_value=designs.EPOCHS_MAX,
            step=1,
            **ub.bind_setting("epochs"),
        )
with schedule_col:
    schedules = ("onecycle", "cosine") if budget_on else designs.SCHEDULES
    st.selectbox(
        t("build.set.schedule"),
        ub.with_current(schedules, settings["schedule"]),
        format_func=ub.translator("build.schedule", lang),
        placeholder=t("build.placeholder"),
        **ub.bind_setting("schedule"),
    )

size_col, augment_col, seed_col = st.columns(3)
with size_col:
    st.select_slider(
        t("build.set.train_size"),
        ub.with_current(ub.TRAIN_SIZE_CHOICES, settings["train_size"]),
        format_func=functools.partial(ub.fmt_train_size, lang=lang),
        **ub.bind_setting("train_size"),
    )
with augment_col:
    st.toggle(
        t("build.set.augment"),
        help=t("build.set.augment_help"),
        **ub.bind_setting("augment"),
    )
with seed_col:
    st.number_input(
        t("build.set.seed"),
        min_value=0,
        max_value=designs.SEED_MAX,
        step=1,
        **ub.bind_setting("seed"),
    )
whiten_col, low_res_col = st.columns(2)
with whiten_col:
    st.toggle(
        t("build.set.whiten"),
        help=t("build.set.whiten_help"),
        **ub.bind_setting("whiten"),
    )
with low_res_col:
    st.select_slider(
        t("build.set.low_res"),
        ub.with_current(ub.LOW_RES_CHOICES, settings["low_res"]),
        format_func=functools.partial(locales.format_percent, lang=lang, decimals=0),
        help=t("build.set.low_res_help"),
        **ub.bind_setting("low_res"),
    )
for problem in settings_problems:
    st.error(problem.message(lang))
recipe_problem = ub.recipe_problem(design, lang) if summary.ok and not settings_problems else None
if recipe_problem:
    st.error(recipe_problem, icon=":material/block:")

# --- How long will it take? --------------------------------------------------------------------
st.subheader(t("build.speed.title"))
if st.button(
    t("build.speed.measure"),
    key="build_measure",
    disabled=not summary.ok or bool(settings_problems),
    icon=":material/timer:",
):
    with st.spinner(t("build.speed.measuring")):
        ub.measure_speed()
    ds.show_flash()
seconds, fresh = ub.stored_estimate(design)
if seconds is None:
    st.caption(t("build.speed.none"))
else:
    if budget_on:
        epochs_fit = settings["time_budget_s"] / seconds
        st.metric(t("build.speed.per_epoch"), ub.fmt_duration(seconds, lang))
        st.caption(t("build.speed.budget", epochs=number(epochs_fit, 1)))
        total = settings["time_budget_s"]
    else:
        total = seconds * settings["epochs"]
        per_col, total_col = st.columns(2)
        per_col.metric(t("build.speed.per_epoch"), ub.fmt_duration(seconds, lang))
        total_col.metric(
            t("build.speed.total", epochs=settings["epochs"]), ub.fmt_duration(total, lang)
        )
    if total > ub.SLOW_TRAINING_S:
        st.warning(t("build.speed.slow", total=ub.fmt_duration(total, lang)))
    if not fresh:
        st.caption(t("build.speed.stale"))

# --- Share, save, read the code ----------------------------------------------------------------
st.header(t("build.share.title"))
st.caption(t("build.share.caption"))
st.code(ds.share_link(token, lang), language=None, wrap_lines=True)
download_col, upload_col = st.columns(2)
download_col.download_button(
    t("build.file.download"),
    data=designs.to_json(design),
    file_name=ub.file_name(design),
    mime="application/json",
    key="build_download",
    on_click="ignore",
    icon=":material/download:",
)
upload_col.caption(t("build.file.upload_what"))
upload_col.file_uploader(
    t("build.file.upload"),
    type=["json"],
    key=ub.upload_key(),
    on_change=ub.import_json,
    max_upload_size=1,
    help=t("build.file.upload_help", kb=designs.MAX_JSON_BYTES // 1024),
)
with st.expander(t("build.code.title"), icon=":material/code:"):
    if summary.ok:
        # A whole program: data, the blog's split, this model, these settings, the test.
        program = to_keras_code(ModelSpec.from_dict(design["spec"]), design["settings"], lang=lang)
        st.caption(t("build.code.what"))
        st.download_button(
            t("build.code.download"),
            data=program,
            file_name=ub.file_name(design).removesuffix(".json") + ".py",
            mime="text/x-python",
            key="build_code_download",
            on_click="ignore",
            icon=":material/download:",
        )
        st.code(program, language="python")
    else:
        st.info(t("build.code.blocked"))

# --- On to training ----------------------------------------------------------------------------
can_train = summary.ok and not settings_problems and not recipe_problem
st.page_link(
    ub.TRAIN_PAGE,
    label=t("build.go_train"),
    icon=":material/model_training:",
    disabled=not can_train,
    query_params={"lang": lang},
)
if len(summary.errors) == 1:
    st.caption(t("build.go_train.blocked_network_one"))
elif not summary.ok:
    st.caption(t("build.go_train.blocked_network", count=len(summary.errors)))
elif settings_problems or recipe_problem:
    st.caption(t("build.go_train.blocked_settings"))
