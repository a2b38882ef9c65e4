"""The Build page's one-click fixes: buttons, the problems list, and the design's bookkeeping.

What a fix changes is decided by :mod:`cnn_core.fixes` (no Streamlit there); this module applies
those steps to the design in session state, layer uids included, so the other layers keep their
widgets, and draws the buttons (keys ``build_fix_<where>_<uid>_<code>``).
"""

from __future__ import annotations

import streamlit as st

from cnn_core import fixes, locales
from cnn_core.spec import Summary
from ui.build import current_summary, index_of, problem_text
from ui.design_state import flash, get_design, new_uid
from ui.frame import current_language, t


def can_fix(problem) -> bool:
    """Whether a problem has a one-click fix."""
    return problem.code in fixes.FIXABLE and problem.layer_index is not None


def fix_label(problem, num_classes: int, lang: str) -> str:
    """The fix button's text, e.g. "Insert Flatten before dense_1"."""
    return locales.t(
        f"build.fix.{problem.code}",
        lang,
        layer=problem.args.get("layer", ""),
        classes=locales.format_number(num_classes, lang),
    )


def fix_problem(uid: str, code: str) -> None:
    """Callback of a fix button: changes the design so the layer's ``code`` problem goes away.

    Runs before the script, so the page (summary included) is drawn from the fixed design. Layers
    that the fix changes lose their widgets' state, so they show their new values.
    """
    design = get_design()
    index = index_of(uid)
    summary = current_summary(design)
    problem = next((p for p in summary.problems if p.code == code and p.layer_index == index), None)
    edits = fixes.plan_fix(summary.spec, problem) if problem is not None else None
    if not edits:
        return  # already fixed (a second click, or another fix did it)
    before = dict(zip(design["uids"], design["spec"]["layers"], strict=True))
    design["spec"]["layers"] = fixes.apply_edits(design["spec"]["layers"], edits)
    design["uids"] = fixes.apply_edits(design["uids"], edits, make=lambda _: new_uid())
    for layer_uid, layer in zip(design["uids"], design["spec"]["layers"], strict=True):
        if before.get(layer_uid) != layer:
            for key in [
                k for k in st.session_state if str(k).startswith(f"build_arg_{layer_uid}_")
            ]:
                del st.session_state[key]
    lang = current_language()
    what = fix_label(problem, summary.spec.num_classes, lang)
    flash("success", locales.t("build.fix.done", lang, what=what))


def fix_button(problem, uid: str, where: str, num_classes: int, lang: str) -> None:
    """Draws a problem's fix button, if it has one (key ``build_fix_<where>_<uid>_<code>``)."""
    if not can_fix(problem):
        return
    st.button(
        fix_label(problem, num_classes, lang),
        key=f"build_fix_{where}_{uid}_{problem.code}",
        icon=":material/build:",
        on_click=fix_problem,
        args=(uid, problem.code),
    )


def show_problems(summary: Summary, uids: list[str], lang: str) -> None:
    """The list under the summary table: every problem in full, with its fix button."""
    st.subheader(t("build.problems.title"))
    if not summary.problems:
        st.caption(t("build.problems.none"))
        return
    names = [row.name for row in summary.rows]
    for problem in summary.problems:
        i = problem.layer_index
        where = (
            t("build.problems.network")
            if i is None
            else t("build.problems.where", index=i + 1, name=names[i])
        )
        severity = t(f"spec.severity.{problem.severity}")
        show = st.error if problem.is_error else st.warning
        show(f"{severity} · {where}: {problem_text(problem, lang)}", icon=":material/error:")
        if i is not None:
            fix_button(problem, uids[i], "list", summary.spec.num_classes, lang)
