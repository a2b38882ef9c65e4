"""The engine's errors: each carries a catalog key and its arguments (the learner's language)."""

from __future__ import annotations

from cnn_core.runs import RunNotFoundError

__all__ = [
    "EngineUnavailableError",
    "FailWith",
    "RecipeError",
    "RunNotFoundError",
    "SettingsError",
    "TrainingBusyError",
]


class TrainingBusyError(RuntimeError):
    """Another run is training in this process; only one at a time."""

    key = "train.error.busy"

    def __init__(self):
        super().__init__("a training run is already in progress")
        self.args_dict: dict = {}

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang)


class SettingsError(ValueError):
    """A training setting has an invalid value (``.key``/``.args_dict`` for the catalog)."""

    key = "train.error.bad_setting"

    def __init__(self, name: str, value):
        super().__init__(f"invalid setting {name}={value!r}")
        self.name = name
        self.args_dict = {"name": name, "value": repr(value)}

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


class RecipeError(ValueError):
    """The settings ask for something this network cannot do (``.key``/``.args_dict``).

    Raised when ``whiten`` needs a first ``Conv2D`` the network does not have, or ``low_res``
    needs weights that do not depend on the image size.
    """

    def __init__(self, key: str, **args):
        super().__init__(f"{key} {args}")
        self.key = key
        self.args_dict = args

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


class EngineUnavailableError(RuntimeError):
    """The configured training backend cannot be used (say, Ray asked for but not installed)."""

    key = "train.error.backend"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.args_dict = {"detail": detail}

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


class FailWith(Exception):
    """Raised inside the worker to end a run as failed with a catalog message."""

    def __init__(self, key: str, **args):
        super().__init__(key)
        self.key = key
        self.args_dict = args
