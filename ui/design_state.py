"""The Build page's design in session state and its URL sync (read by Build and Train).

The design lives in ``st.session_state["design"]`` as ``{"spec": dict, "settings": dict, "uids":
list[str]}``. ``uids`` holds one short id per layer, in stack order: the Build page builds widget
keys from it (not from positions), so moving a layer moves its widgets' values with it. The design
is also written into the page URL (``?design=<token>``) so a reload or a shared link brings it back.
"""

from __future__ import annotations

import copy
import secrets

import streamlit as st

from cnn_core import design as designs
from cnn_core import locales
from ui.frame import LANG_KEY, VISITOR_KEY, current_language, t

DESIGN_KEY = "design"
URL_KEY = "design"
_SYNCED = "build_synced_token"
_FLASH = "build_flash"
#: The Build page's last speed measurement: a new design makes it stale.
ESTIMATE_KEY = "build_estimate"
#: Prefix of the Build page's settings widgets' keys (dropped when a new design comes in).
SETTINGS_WIDGET_PREFIX = "build_set_"


def new_uid() -> str:
    """A short random id for a new layer."""
    return secrets.token_hex(4)


def _with_uids(design: dict) -> dict:
    design = copy.deepcopy(design)
    design["uids"] = [new_uid() for _ in design["spec"]["layers"]]
    return design


def get_design() -> dict:
    """Returns the session's design (creating the blog's on first use), with one uid per layer."""
    design = st.session_state.get(DESIGN_KEY)
    if not isinstance(design, dict) or "spec" not in design:
        design = _with_uids(designs.default_design("blog"))
        st.session_state[DESIGN_KEY] = design
    if "settings" not in design:
        design["settings"] = designs.default_settings()
    uids = design.get("uids")
    if not isinstance(uids, list) or len(uids) != len(design["spec"]["layers"]):
        design["uids"] = [new_uid() for _ in design["spec"]["layers"]]
    return design


def replace_design(new: dict) -> None:
    """Puts a whole new design in place (preset, URL, file); widgets start from its values."""
    st.session_state[DESIGN_KEY] = _with_uids(new)
    forget_settings_widgets()
    st.session_state.pop(ESTIMATE_KEY, None)
    base, _ = designs.base_preset(new["spec"])
    if base is not None:
        # The "ready-made network" box shows what the network started from.
        st.session_state["build_preset"] = base


def network_name(spec: dict, lang: str) -> str:
    """The ONE name of a network, on every page: a preset's title when unedited, "custom network
    based on <preset>" when edited, else "custom network" (Build, Train and the run history)."""
    base, edited = _base_preset(spec)
    if base is None:
        return locales.t("build.current.custom", lang)
    title = locales.t(f"spec.preset.{base}.title", lang)
    return locales.t("build.current.based_on", lang, preset=title) if edited else title


def design_title(design: dict, lang: str) -> str:
    """What the current network is, for a sentence: :func:`network_name`, a preset's in quotes."""
    name = network_name(design["spec"], lang)
    base, edited = _base_preset(design["spec"])
    return name if base is None or edited else locales.t("build.current.preset", lang, preset=name)


def _base_preset(spec: dict) -> tuple[str | None, bool]:
    try:
        return designs.base_preset(spec)
    except Exception:  # a stored spec from an older version
        return None, True


def forget_settings_widgets() -> None:
    """Drops the settings widgets' own state so they show the design's values again."""
    for key in [k for k in st.session_state if str(k).startswith(SETTINGS_WIDGET_PREFIX)]:
        del st.session_state[key]


def flash(kind: str, text: str) -> None:
    """Queues a message (``"error"``/``"success"``) for the next run of the page."""
    st.session_state[_FLASH] = (kind, text)


def show_flash() -> None:
    """Shows (once) the message queued by :func:`flash`."""
    item = st.session_state.pop(_FLASH, None)
    if item:
        kind, text = item
        (st.error if kind == "error" else st.success)(text)


@st.cache_resource(show_spinner=False)
def _last_tokens() -> dict:
    """Visitor id -> the design token last written to that visitor's URL (server-wide, small)."""
    return {}


_LAST_TOKENS_MAX = 5000


def _remember_token(token: str) -> None:
    vid = st.session_state.get(VISITOR_KEY)
    if not vid:
        return
    tokens = _last_tokens()
    tokens.pop(vid, None)
    tokens[vid] = token
    while len(tokens) > _LAST_TOKENS_MAX:  # oldest first (dicts keep insertion order)
        tokens.pop(next(iter(tokens)))


def load_from_url() -> None:
    """Opens the design in ``?design=`` once; a bad link leaves the current design as it was.

    The "opened from the link" message shows only when the link brings a design different from
    the one this visitor already had: a reload of one's own tab (same visitor id, same token
    this page last wrote) restores the design silently.
    """
    token = st.query_params.get(URL_KEY)
    if not token or token == st.session_state.get(_SYNCED):
        return
    st.session_state[_SYNCED] = token
    lang = current_language()
    try:
        new = designs.decode(token)
    except designs.DesignError as error:
        flash("error", t("build.url.bad", reason=error.message(lang)))
        return
    had = st.session_state.get(DESIGN_KEY)
    if isinstance(had, dict) and (had.get("spec"), had.get("settings")) == (
        new["spec"],
        new["settings"],
    ):
        return  # the same design: keep its widgets as they are
    replace_design(new)
    own_reload = _last_tokens().get(st.session_state.get(VISITOR_KEY)) == token
    if not own_reload:
        flash("success", t("build.url.loaded", name=design_title(new, lang)))


def sync_url(design: dict) -> str:
    """Writes the current design into the page URL (so a reload keeps it); returns the token.

    The blog's unedited design is the default, so it leaves ``design`` out of the URL.

    Only ``design`` is touched: ``lang`` (written by the frame) is written again with it, so the
    tab's URL keeps it; the visitor id never goes into the URL.
    """
    token = designs.encode(design)
    default = designs.default_design("blog")
    if (design.get("spec"), design.get("settings")) == (default["spec"], default["settings"]):
        # The blog's own design needs no link: "Reset to the blog's" leaves a clean address.
        if URL_KEY in st.query_params:
            del st.query_params[URL_KEY]
    elif st.query_params.get(URL_KEY) != token:
        st.query_params[URL_KEY] = token
    keep = {LANG_KEY: current_language()}
    for key, value in keep.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[_SYNCED] = token
    _remember_token(token)
    return token


def share_link(token: str, lang: str) -> str:
    """The link that opens this design: page URL + language + design, without the visitor id."""
    from urllib.parse import urlencode

    base = None
    try:
        base = st.context.url
    except Exception:  # no browser (AppTest, bare mode)
        base = None
    base = base or "/build"
    return f"{base}?{urlencode({'lang': lang, URL_KEY: token})}"
