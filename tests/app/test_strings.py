"""The catalog is complete in both languages and pages print no literal text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cnn_core import locales

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
]
# Keyword arguments that Streamlit shows to the user.
SHOWN_KWARGS = {"label", "help", "placeholder", "caption", "body", "text", "title", "page_title"}
LETTERS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def test_every_key_has_both_languages_with_the_same_placeholders():
    problems = []
    for key, entry in locales.catalog().items():
        missing = [lang for lang in locales.LANGUAGES if not str(entry.get(lang, "")).strip()]
        if missing:
            problems.append(f"{key}: missing {missing}")
            continue
        if locales.placeholders(entry["pt"]) != locales.placeholders(entry["en"]):
            problems.append(f"{key}: placeholders differ")
    assert not problems, "\n".join(problems)


def test_lookup_translates_and_formats():
    locales.catalog()["nav.home"]  # present
    assert locales.t("nav.home", "pt") != locales.t("nav.home", "en")
    assert locales.t("nav.home", "pt-BR") == locales.t("nav.home", "pt")
    with pytest.raises(locales.MissingStringError):
        locales.t("no.such.key", "en")


def _is_st_call(node: ast.Call) -> bool:
    func = node.func
    while isinstance(func, ast.Attribute):
        if func.attr in {"session_state", "query_params", "context"}:
            return False
        func = func.value
        if isinstance(func, ast.Name) and func.id in {"st", "col", "tab", "sidebar"}:
            return True
    return isinstance(func, ast.Name) and func.id == "st"


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_print_no_literal_text(path):
    """Any text a Streamlit call shows must come from the catalog via ``t(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not _is_st_call(node):
            continue
        candidates = list(node.args) + [k.value for k in node.keywords if k.arg in SHOWN_KWARGS]
        for arg in candidates:
            text = _literal_text(arg)
            if text and LETTERS.search(re.sub(r":material/\w+:", "", text)):
                offenders.append(f"line {node.lineno}: {text!r}")
    assert not offenders, f"{path.name} shows literal text:\n" + "\n".join(offenders)


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_catalog_key_used_by_a_page_exists(path):
    source = path.read_text(encoding="utf-8")
    keys = set(re.findall(r"\bt\(\s*[\"']([a-z0-9_.]+)[\"']", source))
    missing = sorted(k for k in keys if k not in locales.catalog())
    assert not missing, f"{path.name} uses missing keys: {missing}"
