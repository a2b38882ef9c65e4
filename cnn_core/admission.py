"""Admission control: one check that every path which starts work goes through.

Placeholder of the shared-host wave (issue 11): the engine, the CLI and the Build page already
call :func:`check_admission`; its full checks (memory at the run's real batch size, shapes and
classes against the dataset, the whole run's compute against the host's limit) land with it.
No TensorFlow here.
"""

from __future__ import annotations

__all__ = ["AdmissionError", "check_admission"]


class AdmissionError(ValueError):
    """A run that this host will not start.

    Attributes:
        code: what is too big or wrong (for example ``"activation_memory"``).
        args_dict: numbers for the message (what was asked, the limit).
    """

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code = code
        self.key = f"admission.error.{code}"
        self.args_dict = args

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)

    def fix(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(f"admission.fix.{self.code}", lang, **self.args_dict)


def check_admission(spec, settings, *, purpose: str = "train", extra_epochs: int | None = None):
    """Checks, before anything is allocated, that this host can run ``spec`` with ``settings``.

    Args:
        spec: the :class:`cnn_core.spec.ModelSpec`.
        settings: the run's ``TrainSettings``.
        purpose: ``"train"``, ``"continue"`` or ``"measure"`` (the Build page's speed check).
        extra_epochs: for ``"continue"``, the epochs asked for.

    Raises:
        AdmissionError: what is too big, by how much, with a fix (``.message``/``.fix``).
    """
    return None
