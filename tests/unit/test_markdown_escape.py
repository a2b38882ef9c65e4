"""Visitor text inside catalog texts: escaped for Markdown while a page draws, and only then."""

from __future__ import annotations

import re
import threading

import pytest

from cnn_core import locales
from cnn_core.locales import escape_markdown

LINK = "[Session expired: sign in again](https://example.invalid)"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (LINK, r"\[Session expired: sign in again\](https\://example.invalid)"),
        ("![x](http://t.invalid/p.png)", r"!\[x\](http\://t.invalid/p.png)"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
        ("**bold** `code` ~~gone~~ $x^2$", r"\*\*bold\*\* \`code\` \~\~gone\~\~ \$x^2\$"),
        (":red[alarm] a|b", r":red\[alarm\] a\|b"),
        (
            "visit www.example.invalid or me@example.invalid",
            r"visit www\.example.invalid or me\@example.invalid",
        ),
        ("_italic_ but conv2d_1 and my_design stay", r"\_italic\_ but conv2d_1 and my_design stay"),
        ("two\nlines", "two lines"),
        ("0,01 and -1x-1 and 3.5", "0,01 and -1x-1 and 3.5"),
    ],
)
def test_escape_markdown(text, shown):
    assert escape_markdown(text) == shown
    assert escape_markdown(shown) == shown  # idempotent: escaping twice changes nothing


def test_no_live_link_survives_any_nesting():
    once = escape_markdown(LINK)
    for text in (once, escape_markdown(once), escape_markdown("\\" + LINK)):
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text)
        assert "https://" not in text


def test_t_escapes_string_arguments_only_when_turned_on_in_this_context():
    args = {"layer": "conv2d_1", "type": "Conv2D", "arg": LINK, "allowed": "filters"}
    assert LINK in locales.t("spec.problem.unknown_arg", "en", **args)
    seen = {}

    def page_run():
        locales.escape_markdown_args(True)
        seen["page"] = locales.t("spec.problem.unknown_arg", "en", **args)

    worker = threading.Thread(target=page_run)
    worker.start()
    worker.join()
    assert escape_markdown(LINK) in seen["page"] and "conv2d_1" in seen["page"]
    # Another thread (a training thread, the command line) is unaffected.
    assert not locales.escaping_markdown_args()
    assert LINK in locales.t("spec.problem.unknown_arg", "en", **args)
    # Numbers are not strings: still formatted by the catalog's own rules.
    assert "{" not in locales.t("spec.problem.bad_num_classes", "en", value=5, most=1000)
