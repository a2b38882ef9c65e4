"""Helpers of the Build page: the layer editor, the summary table, the volume diagram,
training-settings widgets and sharing (JSON file). One-click fixes are in :mod:`ui.build_fixes`;
the design itself and its URL sync in :mod:`ui.design_state` (the Train page reads them too).

Widget keys of a layer are built from the layer's uid (not its position), so moving a layer moves
its widgets' values with it. Every widget writes back through an ``on_change`` callback, which
runs before the script, so the whole page is drawn from a design that already includes the last
edit.
"""

from __future__ import annotations

import copy
import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cnn_core import design as designs
from cnn_core import locales
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec, SpecError, Summary, shape_text, summarize
from ui import workshop
from ui.charts import PALETTE, style
from ui.design_state import (
    ESTIMATE_KEY,
    URL_KEY,  # noqa: F401
    design_title,
    flash,
    forget_settings_widgets,
    get_design,
    new_uid,
    replace_design,
    sync_url,  # noqa: F401
)
from ui.frame import current_language, t
from ui.numbers import decimal_slider

TRAIN_PAGE = "pages/08_train.py"
_UPLOAD_ROUND = "build_upload_round"
_ESTIMATE = ESTIMATE_KEY

#: Layer types offered by "add a layer", in a teaching order.
ADDABLE = (
    "Conv2D",
    "MaxPooling2D",
    "AveragePooling2D",
    "BatchNormalization",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "Dense",
    "Activation",
)
NEW_LAYER = {
    "Conv2D": {
        "filters": 32,
        "kernel_size": 3,
        "strides": 1,
        "padding": "same",
        "activation": "relu",
    },
    "MaxPooling2D": {"pool_size": 2},
    "AveragePooling2D": {"pool_size": 2},
    "BatchNormalization": {},
    "Dropout": {"rate": 0.25},
    "Flatten": {},
    "GlobalAveragePooling2D": {},
    "GlobalMaxPooling2D": {},
    "Dense": {"units": 64, "activation": "relu"},
    "Activation": {"activation": "relu"},
}
ACTIVATION_CHOICES = ("relu", "sigmoid", "tanh", "softmax", "linear")
WINDOW_CHOICES = (1, 2, 3, 4, 5, 6, 7)
STRIDE_CHOICES = (1, 2, 3)
PADDING_CHOICES = ("valid", "same")
COUNT_MAX = {"filters": 1024, "units": 4096}
LR_CHOICES = designs.within(
    "learning_rate",
    1e-5,
    2e-5,
    5e-5,
    1e-4,
    2e-4,
    5e-4,
    1e-3,
    2e-3,
    5e-3,
    1e-2,
    2e-2,
    5e-2,
    0.1,
    0.2,
    0.5,
    1.0,
)
BATCH_CHOICES = designs.within("batch_size", 16, 32, 64, 128, 256, 512)
BUDGET_MINUTES = (1, 2, 3, 5, 10, 15, 20, 30, 60)
LOW_RES_CHOICES = designs.within("low_res", 0.0, 0.25, 0.5, 0.7, 0.9)
TRAIN_SIZE_CHOICES = (1000, 2000, 5000, 10000, 20000, None)  # None: the whole split
FULL_TRAIN_SIZE = 45000
SLOW_TRAINING_S = 15 * 60
EDITOR_HEIGHT = 760


# ---------------------------------------------------------------------------------------------
# Numbers in the learner's language.


def fmt_bytes(value: int | None, lang: str) -> str:
    """Formats a byte count as kB/MB/GB in powers of 1000 (what a learner expects of "MB")."""
    if value is None:
        return locales.t("build.unknown", lang)
    if value < 1000:
        return f"{value} B"
    for size, unit, decimals in ((10**9, "GB", 2), (10**6, "MB", 2), (10**3, "kB", 1)):
        if value >= size:
            return f"{locales.format_number(value / size, lang, decimals)} {unit}"
    return f"{value} B"  # unreachable: kept for type checkers


def fmt_compact(value: int | None, lang: str) -> str:
    """Formats a big count short: ``33,9 M`` / ``33.9 M``, ``1.2 G``."""
    if value is None:
        return locales.t("build.unknown", lang)
    for size, unit in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if value >= size:
            return f"{locales.format_number(value / size, lang, 1)} {unit}"
    return str(value)


def fmt_duration(seconds: float, lang: str) -> str:
    """Formats an estimate of seconds roughly (:func:`cnn_core.locales.format_duration`)."""
    return locales.format_duration(seconds, lang, rough=True)


def _params_text(summary: Summary, lang: str) -> str:
    total = locales.format_number(summary.total_params, lang)
    return total if summary.ok else locales.t("build.metric.partial", lang, value=total)


def current_caption(design: dict, summary: Summary, lang: str) -> str:
    """The line under the preset box: what the CURRENT network is, with its real numbers."""
    base, edited = designs.base_preset(design["spec"])
    if base is not None and not edited:
        return locales.t(f"spec.preset.{base}.about", lang)
    return locales.t(
        "build.current.caption",
        lang,
        title=design_title(design, lang),
        layers=len(summary.rows),
        params=_params_text(summary, lang),
    )


# ---------------------------------------------------------------------------------------------
# Summary.


def current_summary(design: dict) -> Summary:
    """Summarizes the design's network for its chosen batch size."""
    spec = ModelSpec.from_dict(design["spec"])
    batch = design["settings"].get("batch_size", 32)
    return summarize(spec, batch_size=batch if isinstance(batch, int) else 32)


def problem_text(problem, lang: str) -> str:
    """A spec problem with its suggested fix, as one sentence pair."""
    return f"{problem.message(lang)} {problem.fix(lang)}".strip()


def summary_frame(summary: Summary, lang: str) -> pd.DataFrame:
    """The ``model.summary()``-like table: one row per layer, numbers first, problems last."""
    unknown = locales.t("build.unknown", lang)
    rows = []
    for row in summary.rows:
        rows.append(
            {
                t("build.col.index"): row.index + 1,
                t("build.col.layer"): f"{row.name} ({row.type})",
                t("build.col.shape"): shape_text(row.output_shape)
                if row.output_shape and None not in row.output_shape
                else unknown,
                t("build.col.params"): locales.format_number(row.params, lang, missing=unknown),
                t("build.col.macs"): locales.format_number(row.macs, lang, missing=unknown),
                t("build.col.memory"): fmt_bytes(row.activation_bytes, lang),
                # Only a count here (a long sentence would be cut): the full text and a fix
                # button are in the list under the table and on the layer's card.
                t("build.col.problems"): problem_count(summary.problems_for(row.index), lang),
            }
        )
    return pd.DataFrame(rows)


def problem_count(problems, lang: str) -> str:
    """``1 erro, 2 avisos``-style count of a layer's problems ("" when there are none)."""
    errors = sum(1 for p in problems if p.is_error)
    parts = []
    for kind, count in (("errors", errors), ("warnings", len(problems) - errors)):
        if count:
            key = f"build.col.{kind}_one" if count == 1 else f"build.col.{kind}"
            parts.append(locales.t(key, lang, count=count))
    return ", ".join(parts)


def metric_value(value: int | None, lang: str) -> str:
    """A count short enough for a metric box: in full below a million, else ``1,2 M``."""
    if value is not None and value >= 10**6:
        return fmt_compact(value, lang)
    return locales.format_number(value, lang, missing=locales.t("build.unknown", lang))


def table_height(rows: int) -> int:
    """Pixels that show every row of the summary (up to a limit; then it scrolls)."""
    return min(38 + 35 * rows, 740)


def summary_columns() -> dict:
    """Column widths and header tooltips of the summary table (it fits the page's width)."""
    return {
        t("build.col.index"): st.column_config.NumberColumn(width=40),
        t("build.col.layer"): st.column_config.TextColumn(width=230),
        t("build.col.shape"): st.column_config.TextColumn(width="small"),
        t("build.col.params"): st.column_config.TextColumn(
            width="small", help=t("build.col.params_help")
        ),
        t("build.col.macs"): st.column_config.TextColumn(
            width="small", help=t("build.col.macs_help")
        ),
        t("build.col.memory"): st.column_config.TextColumn(
            width="small", help=t("build.col.memory_help")
        ),
        t("build.col.problems"): st.column_config.TextColumn(width="medium"),
    }


def volume_figure(summary: Summary, lang: str) -> go.Figure:
    """Bars (log scale) of each layer's side length and depth: the volume shrinking and deepening.

    Image-shaped outputs show height, width and depth; flat outputs show their length as depth.
    """
    labels = [t("build.diagram.input")]
    heights, widths, depths = [summary.spec.input_shape[0]], [summary.spec.input_shape[1]], []
    depths.append(summary.spec.input_shape[2])
    for row in summary.rows:
        shape = row.output_shape
        if shape is None or any(v is None for v in shape):
            continue
        labels.append(f"{row.index + 1}. {row.name}")
        if len(shape) == 3:
            heights.append(shape[0])
            widths.append(shape[1])
            depths.append(shape[2])
        else:
            heights.append(None)
            widths.append(None)
            depths.append(shape[0])
    fig = go.Figure()
    for name, values, colour in (
        (t("build.diagram.height"), heights, PALETTE[0]),
        (t("build.diagram.width"), widths, PALETTE[4]),
        (t("build.diagram.depth"), depths, PALETTE[1]),
    ):
        fig.add_bar(x=labels, y=values, name=name, marker_color=colour)
    fig.update_yaxes(
        type="log",
        title_text=t("build.diagram.axis"),
        tickvals=[2**k for k in range(13)],
        ticktext=[str(2**k) for k in range(13)],
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.15})
    return style(fig, height=360)


def volume_caption(summary: Summary) -> str:
    """One line saying how the volume changes from input to output."""
    h, w, c = summary.spec.input_shape
    image_rows = [
        r
        for r in summary.rows
        if r.output_shape and len(r.output_shape) == 3 and None not in r.output_shape
    ]
    last = summary.rows[-1].output_shape if summary.rows else None
    if last is None or None in last:
        out = t("build.diagram.out_unknown")
    else:
        out = t("build.diagram.out", shape=shape_text(last))
    if not image_rows:
        return t("build.diagram.caption_flat", h=h, w=w, c=c, out=out)
    smallest = image_rows[-1].output_shape
    deepest = max(r.output_shape[2] for r in image_rows)
    return t(
        "build.diagram.caption",
        h=h,
        w=w,
        c=c,
        sh=smallest[0],
        sw=smallest[1],
        depth=deepest,
        out=out,
    )


# ---------------------------------------------------------------------------------------------
# Layer editor callbacks (they run before the script: the page is drawn from the new design).


def index_of(uid: str) -> int | None:
    """The position of the layer with this uid in the design, or None."""
    design = get_design()
    return design["uids"].index(uid) if uid in design["uids"] else None


def move_layer(uid: str, step: int) -> None:
    """Moves a layer up (``-1``) or down (``+1``)."""
    design = get_design()
    i = index_of(uid)
    j = None if i is None else i + step
    if j is None or not 0 <= j < len(design["uids"]):
        return
    for items in (design["spec"]["layers"], design["uids"]):
        items[i], items[j] = items[j], items[i]


def duplicate_layer(uid: str) -> None:
    """Inserts a copy of a layer right after it (with its own uid)."""
    design = get_design()
    i = index_of(uid)
    if i is None:
        return
    design["spec"]["layers"].insert(i + 1, copy.deepcopy(design["spec"]["layers"][i]))
    design["uids"].insert(i + 1, new_uid())


def remove_layer(uid: str) -> None:
    """Deletes a layer."""
    design = get_design()
    i = index_of(uid)
    if i is None:
        return
    del design["spec"]["layers"][i]
    del design["uids"][i]


def add_layer() -> None:
    """Inserts the layer chosen in the "add" row at the chosen position."""
    design = get_design()
    kind = st.session_state.get("build_add_type", "Conv2D")
    position = st.session_state.get("build_add_position", len(design["uids"]))
    position = max(0, min(int(position), len(design["uids"])))
    layer = {"type": kind, **copy.deepcopy(NEW_LAYER.get(kind, {}))}
    design["spec"]["layers"].insert(position, layer)
    design["uids"].insert(position, new_uid())
    # The position list changes length; let it default to "at the end" again.
    st.session_state.pop("build_add_position", None)


def load_preset() -> None:
    """Replaces the network with the chosen preset and the settings that go with it.

    The fast network needs its recipe (a whitened first layer, a half-size start), and the blog's
    recipe would train it as slowly as the blog's model; the dataset chosen stays.
    """
    name = st.session_state.get("build_preset", "blog")
    dataset = get_design()["settings"].get("dataset")
    new = {"spec": get_preset(name).to_dict(), "settings": designs.preset_settings(name, dataset)}
    replace_design(new)


def recipe_problem(design: dict, lang: str) -> str | None:
    """Why the settings' whitening or half-size start cannot train this network, if they can't."""
    from cnn_core.admission import AdmissionError, check_admission
    from cnn_core.spec import ModelSpec
    from cnn_core.train import RecipeError, TrainSettings, check_recipe

    try:
        spec = ModelSpec.from_dict(design["spec"])
        check_recipe(spec, TrainSettings.from_dict(design["settings"]))
        check_admission(spec, design["settings"])
    except RecipeError as error:
        return error.message(lang)
    except AdmissionError as error:  # what this host will not run, by how much, and a fix
        return f"{error.message(lang)} {error.fix(lang)}"
    except Exception:  # other problems are shown next to their own widgets
        return None
    return None


def reset_design() -> None:
    """Back to the blog's network and training settings."""
    replace_design(designs.default_design("blog"))
    st.session_state.pop("build_preset", None)


def _set_arg(uid: str, arg: str, key: str) -> None:
    design = get_design()
    i = index_of(uid)
    if i is None or key not in st.session_state:
        return
    value = st.session_state[key]
    if value == _SAME_AS_POOL:
        value = None
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, float) and arg == "rate":
        value = round(value, 2)
    design["spec"]["layers"][i][arg] = value


# ---------------------------------------------------------------------------------------------
# Layer editor widgets.


def _choices(standard, current):
    """The standard options plus the current value when a loaded design uses another one."""
    if isinstance(current, list | tuple):
        # A square pair such as [3, 3] is shown as 3 (the same layer for Keras).
        current = current[0] if len(set(current)) == 1 else tuple(current)
    options = list(standard)
    if current not in options:
        options.append(current)
    return options, current


def _fmt_window(value) -> str:
    if isinstance(value, tuple | list):
        return "x".join(str(v) for v in value)
    return f"{value}x{value}"


def _fmt_activation(value) -> str:
    return "linear" if value is None else str(value)


def layer_editor(index: int, uid: str, layer: dict, lang: str) -> None:
    """Draws the argument widgets of one layer (only sensible values are offered)."""
    kind = layer["type"]
    args = _EDITABLE.get(kind, ())
    if not args:
        st.caption(t("build.layer.no_args"))
        return
    for start in range(0, len(args), _PER_ROW):
        columns = st.columns(_PER_ROW)
        for column, arg in zip(columns, args[start : start + _PER_ROW], strict=False):
            key = f"build_arg_{uid}_{arg}"
            with column:
                _arg_widget(kind, arg, layer.get(arg), key, uid, lang)


_PER_ROW = 3
_EDITABLE = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "Dense": ("units", "activation"),
    "Dropout": ("rate",),
    "Activation": ("activation",),
}


def _arg_widget(kind: str, arg: str, value, key: str, uid: str, lang: str) -> None:
    callback = {"on_change": _set_arg, "args": (uid, arg, key)}
    label = t(f"build.arg.{arg}")
    placeholder = t("build.placeholder")
    if arg in ("filters", "units"):
        value = value if isinstance(value, int) and not isinstance(value, bool) else 1
        value = min(max(value, 1), COUNT_MAX[arg])
        st.session_state.setdefault(key, value)
        st.number_input(label, min_value=1, max_value=COUNT_MAX[arg], step=1, key=key, **callback)
    elif arg in ("kernel_size", "pool_size"):
        options, current = _choices(WINDOW_CHOICES, value if value is not None else 2)
        st.session_state.setdefault(key, current)
        st.selectbox(
            label, options, format_func=_fmt_window, placeholder=placeholder, key=key, **callback
        )
    elif arg == "strides":
        # Pooling's strides=None means "as big as the window"; a selectbox shows a None option
        # as "nothing chosen", so the widget uses a word for it.
        standard = (_SAME_AS_POOL, *STRIDE_CHOICES) if kind != "Conv2D" else STRIDE_CHOICES
        default = _SAME_AS_POOL if kind != "Conv2D" else 1
        options, current = _choices(standard, default if value is None else value)
        st.session_state.setdefault(key, current)
        st.selectbox(
            label,
            options,
            format_func=functools.partial(_fmt_stride, lang=lang),
            placeholder=placeholder,
            key=key,
            **callback,
        )
    elif arg == "padding":
        options, current = _choices(PADDING_CHOICES, value or "valid")
        st.session_state.setdefault(key, current)
        st.selectbox(label, options, placeholder=placeholder, key=key, **callback)
    elif arg == "activation":
        options, current = _choices(ACTIVATION_CHOICES, value or "linear")
        st.session_state.setdefault(key, current)
        st.selectbox(
            label,
            options,
            format_func=_fmt_activation,
            placeholder=placeholder,
            key=key,
            **callback,
        )
    elif arg == "rate":
        number = float(value) if isinstance(value, int | float) else 0.25
        st.session_state.setdefault(key, min(max(round(number, 2), 0.0), 0.9))
        decimal_slider(label, 0.0, 0.9, number, 0.05, key=key, **callback)


_SAME_AS_POOL = "pool"


def _fmt_stride(value, lang: str) -> str:
    # Format functions get a bound language: AppTest calls them outside the script run.
    if value == _SAME_AS_POOL:
        return locales.t("build.arg.strides_default", lang)
    if isinstance(value, tuple | list):
        return "x".join(str(v) for v in value)
    return str(value)


def position_label(position: int, names: list[str], lang: str) -> str:
    """Label of an insertion point for the "add a layer" row."""
    if position >= len(names):
        return locales.t("build.add.at_end", lang)
    return locales.t("build.add.before", lang, index=position + 1, name=names[position])


def translator(prefix: str, lang: str, suffix: str = ""):
    """A ``format_func`` that shows option ``x`` as the catalog text ``<prefix>.<x>`` in ``lang``.

    The language is bound now, not looked up later: AppTest calls format functions outside the
    script run, where session state is not available.
    """
    return functools.partial(_translate_option, prefix, lang, suffix)


def _translate_option(prefix: str, lang: str, suffix: str, option) -> str:
    return locales.t(f"{prefix}.{option}{'.' + suffix if suffix else ''}", lang)


def fmt_train_size(size: int | None, lang: str) -> str:
    """``None`` is the whole training split; other sizes are image counts."""
    if size is None:
        count = locales.format_number(FULL_TRAIN_SIZE, lang)
        return locales.t("build.set.full", lang, count=count)
    return locales.format_number(size, lang)


# ---------------------------------------------------------------------------------------------
# Training settings callbacks.


def set_setting(name: str, key: str, *, transform=None) -> None:
    """Copies a settings widget's value into the design (through ``transform`` if given)."""
    value = st.session_state.get(key)
    get_design()["settings"][name] = transform(value) if transform else value


def set_budget_on() -> None:
    """Switches between "a number of epochs" and "a time budget" (with an annealed schedule)."""
    settings = get_design()["settings"]
    if st.session_state.get("build_set_budget_on"):
        settings["time_budget_s"] = 120.0
        if settings.get("schedule") == "constant":
            settings["schedule"] = "onecycle"
    else:
        settings["time_budget_s"] = None
    forget_settings_widgets()


def set_budget_minutes() -> None:
    """Copies the chosen number of minutes into ``time_budget_s``."""
    minutes = st.session_state.get("build_set_budget_minutes", 2)
    get_design()["settings"]["time_budget_s"] = float(minutes) * 60


def bind_setting(name: str) -> dict:
    """Ties a settings widget to ``design["settings"][name]``: pass the result as ``**kwargs``.

    The widget's key is ``build_set_<name>``; it starts from the design's value (once) and
    writes every change back to the design.

    Args:
        name: the setting, e.g. ``"learning_rate"``.

    Returns:
        ``key``, ``on_change`` and ``args`` for the Streamlit widget.
    """
    key = f"build_set_{name}"
    init_widget(key, get_design()["settings"][name])
    disabled = workshop.locked("build.settings")  # an instructor's lesson may lock them
    return {"key": key, "on_change": set_setting, "args": (name, key), "disabled": disabled}


def init_widget(key: str, value) -> None:
    """Gives a settings widget its starting value from the design (once)."""
    if key not in st.session_state:
        st.session_state[key] = value


def with_current(standard, value) -> list:
    """``standard`` plus ``value`` (sorted), so a loaded design's own value can be shown."""
    options = list(standard)
    if value not in options:
        options.append(value)
        options.sort(key=lambda v: (v is None, v or 0))
    return options


# ---------------------------------------------------------------------------------------------
# Import / export.


def import_json() -> None:
    """Reads the uploaded JSON design; a bad file leaves the current design as it was."""
    round_ = st.session_state.get(_UPLOAD_ROUND, 0)
    uploaded = st.session_state.get(f"build_upload_{round_}")
    if uploaded is None:
        return
    lang = current_language()
    data = uploaded.getvalue()
    try:
        if not uploaded.name.lower().endswith(".json"):
            raise designs.DesignError([designs.DesignProblem("not_json")])
        new = designs.from_json(data)
    except designs.DesignError as error:
        flash("error", t("build.file.bad", name=uploaded.name, reason=error.message(lang)))
        return
    replace_design(new)
    st.session_state[_UPLOAD_ROUND] = round_ + 1  # a fresh, empty uploader
    flash("success", t("build.file.loaded", name=uploaded.name))


def upload_key() -> str:
    """Key of the current file uploader (it changes after a successful import to clear it)."""
    return f"build_upload_{st.session_state.get(_UPLOAD_ROUND, 0)}"


def file_name(design: dict) -> str:
    """A file name for the JSON download, from the network's name."""
    name = str(design["spec"].get("name") or "design")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40] or "design"
    return f"cnn-studio-{safe}.json"


# ---------------------------------------------------------------------------------------------
# Speed estimate (imports TensorFlow: only when the learner asks).


def estimate_key(design: dict) -> str:
    """What the speed measurement depends on: the network, batch size and training-set size."""
    settings = design["settings"]
    return repr((design["spec"], settings.get("batch_size"), settings.get("train_size")))


def measure_speed() -> None:
    """Measures the seconds per epoch on this machine (imports TensorFlow on first use)."""
    design = get_design()
    from cnn_core.admission import AdmissionError, check_admission, record_epoch_seconds
    from cnn_core.train import TrainSettings, estimate_epoch_seconds

    spec = ModelSpec.from_dict(design["spec"])
    settings = TrainSettings.from_dict(design["settings"])
    try:
        check_admission(spec, settings, purpose="measure")
        seconds = float(estimate_epoch_seconds(spec, settings))
    except SpecError as error:
        flash("error", error.message(current_language()))
        return
    except AdmissionError as error:
        lang = current_language()
        flash("error", f"{error.message(lang)} {error.fix(lang)}")
        return
    record_epoch_seconds(spec, settings, seconds)  # this host's real speed, for admission
    st.session_state[_ESTIMATE] = (estimate_key(design), seconds)


def stored_estimate(design: dict) -> tuple[float | None, bool]:
    """Returns ``(seconds per epoch, still valid for this design)`` of the last measurement."""
    item = st.session_state.get(_ESTIMATE)
    if not item:
        return None, False
    key, seconds = item
    return seconds, key == estimate_key(design)
