"""The one error type of the workshop package: a catalog key plus its arguments."""

from __future__ import annotations

from cnn_core import locales


class WorkshopError(ValueError):
    """Something a visitor typed or opened cannot be used (unknown lesson, taken nickname, ...).

    The pages show :meth:`message` in the visitor's language; nothing else about the error
    (no traceback, no internal detail) reaches the screen.

    Attributes:
        code: what is wrong, e.g. ``"nickname_taken"``.
        key: the catalog key, ``workshop.error.<code>``.
        args_dict: values for the placeholders of the message.
        detail: an error with its own ``message(lang)`` that explains more, or ``None``.
    """

    def __init__(self, code: str, *, detail=None, **args):
        self.code = code
        # Another error with its own ``message(lang)`` (e.g. a DesignError) that explains more.
        self.detail = detail
        self.key = f"workshop.error.{code}"
        self.args_dict = dict(args)
        super().__init__(f"{code}: {args!r}" if args else code)

    def message(self, lang: str) -> str:
        """Returns the message in ``lang`` (``"pt"`` or ``"en"``)."""
        text = locales.t(self.key, lang, **self.args_dict)
        if self.detail is not None:
            text = f"{text}\n{self.detail.message(lang)}"
        return text
