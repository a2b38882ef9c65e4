"""The visitor's private id in the browser: a cookie, never the URL; resume codes on purpose.

First visit: the server makes a random id (:func:`cnn_core.identity.new_visitor_id`), keeps it in
``st.session_state["vid"]`` (where every page reads it) and a tiny script (``st.html`` with
JavaScript allowed: no iframe, nothing visible; ``components.v1.html`` does the same but is
deprecated in Streamlit 1.67) stores it in a first-party cookie (``SameSite=Strict``, one year,
``Path=/``; ``Secure`` over HTTPS; a script cannot set ``HttpOnly``). A reload opens a new session,
which reads the id back from ``st.context.cookies``. Nothing identifying is ever written into the
address bar, so copying it, or the Build page's share link, hands over nothing; an old ``?vid=``
in a link is removed and never adopted. To see the same runs elsewhere, the visitor makes a
one-time resume code (sidebar expander) and types it on the other device.
"""

from __future__ import annotations

import json
import time

import streamlit as st

from cnn_core import identity, locales

VISITOR_KEY = "vid"
COOKIE = "cnn_studio_vid"
COOKIE_SECONDS = 365 * 24 * 3600
MAX_TRIES = 5
# The id the browser is known to hold in its cookie (read at connection, or written by us).
_COOKIE_SEEN = "_identity_cookie_seen"
_OLD_LINK_SEEN = "_identity_old_link"
_CODE = "_identity_code"
_FLASH = "_identity_flash"
_TRIES = "_identity_tries"
INPUT_KEY = "identity_code_input"


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (bare mode, tests)
        return None
    return value if identity.valid_visitor_id(value) else None


def visitor_id() -> str:
    """Returns this visitor's private id: the session's, else the cookie's, else a new one."""
    if not identity.valid_visitor_id(st.session_state.get(VISITOR_KEY)):
        from_cookie = _cookie()
        if from_cookie:
            st.session_state[VISITOR_KEY] = from_cookie
            st.session_state[_COOKIE_SEEN] = from_cookie
        else:
            st.session_state[VISITOR_KEY] = identity.new_visitor_id()
    return st.session_state[VISITOR_KEY]


def drop_id_from_url(lang: str) -> None:
    """Removes an old ``?vid=`` from the address bar, without adopting it, and says so once."""
    if VISITOR_KEY not in st.query_params:
        return
    del st.query_params[VISITOR_KEY]
    if not st.session_state.get(_OLD_LINK_SEEN):
        st.session_state[_OLD_LINK_SEEN] = True
        st.toast(locales.t("identity.old_link", lang), icon=":material/link_off:")


def _cookie_script(vid: str) -> str:
    # The id is a URL-safe token (checked); json.dumps quotes it for the script all the same.
    return f"""<script>
(function () {{
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  var attributes = "; Max-Age={COOKIE_SECONDS}; Path=/; SameSite=Strict" + secure;
  document.cookie = "{COOKIE}=" + {json.dumps(vid)} + attributes;
}})();
</script>"""


def keep_cookie() -> None:
    """Writes the session's id into the browser's cookie unless the browser already sent it.

    Drawn on every run until a new session reads the cookie back: the same element stays mounted
    (nothing visible), so it is cheap, and a rerun can never remove it before it ran. The script
    holds only our own checked token, never visitor-typed text.
    """
    vid = visitor_id()
    if st.session_state.get(_COOKIE_SEEN) != vid:
        st.html(_cookie_script(vid), unsafe_allow_javascript=True)


# --- resume codes -------------------------------------------------------------------------------


def _make_code() -> None:
    vid = visitor_id()
    code, expires = identity.resume_codes().issue(vid)
    st.session_state[_CODE] = {"code": code, "expires": expires, "vid": vid}
    st.session_state.pop(_FLASH, None)


def _use_code() -> None:
    tries = st.session_state.get(_TRIES, 0)
    typed = st.session_state.get(INPUT_KEY, "")
    st.session_state[INPUT_KEY] = ""  # never kept or echoed
    if tries >= MAX_TRIES:
        st.session_state[_FLASH] = ("error", "identity.resume.too_many")
        return
    found = identity.resume_codes().redeem(typed)
    if found is None:
        st.session_state[_TRIES] = tries + 1
        st.session_state[_FLASH] = ("error", "identity.resume.bad")
        return
    st.session_state[VISITOR_KEY] = found
    st.session_state.pop(_CODE, None)
    st.session_state[_FLASH] = ("success", "identity.resume.adopted")


def resume_panel(lang: str) -> None:
    """The sidebar expander "Your runs on another device": make a code here, or use one."""

    def t(key: str, **kwargs) -> str:
        return locales.t(key, lang, **kwargs)

    flash = st.session_state.get(_FLASH)
    with st.expander(t("identity.resume.title"), icon=":material/devices:", expanded=bool(flash)):
        st.caption(t("identity.resume.intro"))
        st.button(t("identity.resume.make"), key="identity_make_code", on_click=_make_code)
        shown = st.session_state.get(_CODE)
        if shown and shown["vid"] == visitor_id() and shown["expires"] > time.time():
            minutes = max(1, round((shown["expires"] - time.time()) / 60))
            st.caption(t("identity.resume.code", minutes=locales.format_number(minutes, lang)))
            st.code(shown["code"], language=None)
            st.caption(t("identity.resume.code_help"))
        st.text_input(
            t("identity.resume.enter"),
            key=INPUT_KEY,
            max_chars=20,
            placeholder=t("identity.resume.placeholder"),
            autocomplete="off",
        )
        st.button(t("identity.resume.use"), key="identity_use_code", on_click=_use_code)
        if flash:  # once: the next run closes the expander again
            kind, key = st.session_state.pop(_FLASH)
            (st.success if kind == "success" else st.error)(t(key))
