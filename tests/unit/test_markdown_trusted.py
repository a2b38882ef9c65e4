"""Markdown the app builds itself passes through t(); visitor text never does."""

from cnn_core import locales


def test_own_markdown_is_kept_while_visitor_text_is_escaped():
    locales.escape_markdown_args(True)
    try:
        own = locales.t(
            "pool.one.blog", "en", names=locales.Markdown("`max_pooling2d_3`"), shapes=""
        )
        typed = locales.t("pool.one.blog", "en", names="`max_pooling2d_3`", shapes="")
    finally:
        locales.escape_markdown_args(False)
    assert "`max_pooling2d_3`" in own
    assert "\\`max_pooling2d_3\\`" in typed
