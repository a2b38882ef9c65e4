"""A "design": the network a learner builds plus how to train it, as plain data (no TensorFlow).

A design is ``{"spec": ModelSpec.to_dict(), "settings": TrainSettings-compatible dict}``. The Build
page edits it, the Train page reads it. This module turns a design into a short URL-safe string (so
an instructor can share a link that opens one exact network), into a JSON file and back, and
checks every value that comes from outside (URL, uploaded file) before the app uses it.

Everything here is pure Python: it must import without TensorFlow.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import zlib
from dataclasses import dataclass, field

from cnn_core import locales
from cnn_core.admission import AdmissionError, check_admission
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec, SpecError, summarize
from cnn_core.train.settings import SCHEMA, check_value
from cnn_core.train.settings import default_settings as schema_defaults

FORMAT_VERSION = 1
# Browsers and chat apps cope with URLs of a few thousand characters; a 40-layer network fits.
MAX_URL_CHARS = 6000
# Uploaded design files: a real design is ~2 KB of JSON; anything much bigger is not a design.
MAX_JSON_BYTES = 64 * 1024
# More layers than this is not a network anyone builds by hand on this page.
MAX_LAYERS = 60
# Problems that mean a layer cannot even be read (the editor has no widget for it).
_UNREADABLE = frozenset(
    (
        "unknown_type",
        "unknown_arg",
        "missing_arg",
        "not_count",
        "not_size",
        "bad_padding",
        "bad_activation",
        "not_bool",
        "bad_rate",
        "bad_fraction",
        "not_positive_float",
    )
)
# Cap on what an encoded string may inflate to, so a crafted link cannot expand into gigabytes.
_MAX_INFLATED_BYTES = 256 * 1024

# Choices, ranges and defaults of the training settings: the engine's ONE schema.
OPTIMIZERS = SCHEMA["optimizer"].choices
SCHEDULES = SCHEMA["schedule"].choices
DATASETS = SCHEMA["dataset"].choices
PRECISIONS = SCHEMA["precision"].choices


def _range(name: str) -> tuple:
    return SCHEMA[name].low, SCHEMA[name].high


def within(name: str, *values) -> tuple:
    """The ``values`` a page offers for a setting, keeping only those the schema accepts."""
    return tuple(v for v in values if check_value(name, v)[1] is None)


LR_MIN, LR_MAX = _range("learning_rate")
BATCH_MIN, BATCH_MAX = _range("batch_size")
EPOCHS_MIN, EPOCHS_MAX = _range("epochs")
BUDGET_MIN_S, BUDGET_MAX_S = _range("time_budget_s")
TRAIN_SIZE_MIN, TRAIN_SIZE_MAX = _range("train_size")
SEED_MAX = SCHEMA["seed"].high

# The blog's training set-up: plain SGD at 0.01, batches of 32, 40 epochs, all 45,000 images.
DEFAULT_SETTINGS: dict = schema_defaults()
#: The fast preset's recipe in the Build page: a 2-minute budget, so a first run stays short.
FAST_BUDGET_S = 120.0


@dataclass(frozen=True)
class DesignProblem:
    """One thing wrong with a design that came from outside, or with its training settings.

    Attributes:
        code: what is wrong, e.g. ``"lr_range"``; the catalog key is ``build.problem.<code>``.
        setting: the setting it concerns (``None`` for the design as a whole).
        args: values for the placeholders of the message.
        spec_problem: for ``code == "spec"``, the :class:`cnn_core.spec.Problem` it wraps.
    """

    code: str
    setting: str | None = None
    args: dict = field(default_factory=dict)
    spec_problem: object = None

    def message(self, lang: str) -> str:
        """Returns the problem, with what to do about it, in ``lang``."""
        if self.spec_problem is not None:
            problem = self.spec_problem
            text = problem.message(lang)
            fix = problem.fix(lang) if hasattr(problem, "fix") else ""
            text = f"{text} {fix}".strip()
            if getattr(problem, "layer_index", None) is not None:
                return locales.t(
                    "build.problem.at_layer", lang, index=problem.layer_index + 1, text=text
                )
            return text
        args = dict(self.args)
        if self.setting is not None:
            args["setting"] = locales.t(f"build.field.{self.setting}", lang)
        return locales.t(f"build.problem.{self.code}", lang, **args)

    def __repr__(self) -> str:
        return f"DesignProblem({self.code!r}, setting={self.setting!r}, args={self.args!r})"


class DesignError(ValueError):
    """Raised when a design (URL, JSON file) cannot be read.

    Attributes:
        problems: the :class:`DesignProblem` list that explains why.
    """

    def __init__(self, problems: list[DesignProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(repr(p) for p in self.problems))

    def message(self, lang: str) -> str:
        """Returns every problem, translated, one per line."""
        return "\n".join(p.message(lang) for p in self.problems)


def default_settings() -> dict:
    """Returns a fresh copy of the blog's training settings."""
    return copy.deepcopy(DEFAULT_SETTINGS)


def preset_settings(preset: str, dataset: str | None = None) -> dict:
    """Returns the training settings that go with a preset network.

    The ``fast`` and ``fast_small`` presets come with the fast recipe
    (:func:`cnn_core.train.fast_settings`) on a 2-minute budget; the blog's model and LeNet-5 with
    the blog's settings.

    Args:
        preset: a name from :data:`cnn_core.presets.PRESET_NAMES`.
        dataset: keep this dataset (``None``: CIFAR-10).
    """
    settings = default_settings()
    if preset in ("fast", "fast_small"):
        from cnn_core.train import fast_settings

        fast = fast_settings(time_budget_s=FAST_BUDGET_S).to_dict()
        settings.update({k: v for k, v in fast.items() if k in DEFAULT_SETTINGS})
    if dataset is not None:
        settings["dataset"] = dataset
    return settings


def default_design(preset: str = "blog") -> dict:
    """Returns a new design: the named preset network with its training settings.

    Args:
        preset: a name from :data:`cnn_core.presets.PRESET_NAMES`.

    Returns:
        ``{"spec": dict, "settings": dict}`` (settings from :func:`preset_settings`).
    """
    return {"spec": get_preset(preset).to_dict(), "settings": preset_settings(preset)}


# ---------------------------------------------------------------------------------------------
# Settings


def check_settings(settings: dict) -> tuple[dict, list[DesignProblem]]:
    """Fills in defaults and checks every training setting.

    Unknown keys are dropped (a newer or hand-edited file may carry extras); a missing key takes
    the blog's value.

    Args:
        settings: a settings dict (from the page, a URL or a file).

    Returns:
        ``(clean, problems)``: the settings with defaults filled in and numbers normalised, and the
        problems found (empty when the settings can be used for training).
    """
    problems: list[DesignProblem] = []
    if not isinstance(settings, dict):
        return default_settings(), [DesignProblem("settings_type")]
    clean = default_settings()
    for key in DEFAULT_SETTINGS:
        if key in settings:
            clean[key] = settings[key]

    for name in SCHEMA:
        clean[name], problem = check_value(name, clean[name])
        if problem is not None:
            code, args = problem
            problems.append(DesignProblem(code, name, args))
    return clean, problems


# ---------------------------------------------------------------------------------------------
# Whole designs


def check_design(data) -> dict:
    """Checks a design that came from outside and returns a clean copy.

    A network with shape problems (say, a kernel larger than its input) is still a readable design:
    the Build page shows those problems on their rows. Only designs that cannot be read at all
    (wrong types, unknown layer kinds, bad settings) are refused.

    Args:
        data: the decoded JSON object.

    Returns:
        ``{"spec": dict, "settings": dict}`` with the spec normalised by :class:`ModelSpec`.

    Raises:
        DesignError: with the reasons, when the design cannot be used.
    """
    if not isinstance(data, dict) or "spec" not in data:
        raise DesignError([DesignProblem("not_a_design")])
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise DesignError([DesignProblem("version", args={"version": str(version)[:20]})])
    try:
        spec = ModelSpec.from_dict(data["spec"])
    except SpecError as error:
        raise DesignError(_spec_problems(error)) from error
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise DesignError([DesignProblem("bad_spec")]) from error
    if len(spec.layers) > MAX_LAYERS:
        raise DesignError([DesignProblem("too_many_layers", args={"max": MAX_LAYERS})])
    unreadable = [p for p in summarize(spec).problems if p.code in _UNREADABLE]
    if unreadable:
        raise DesignError([DesignProblem("spec", spec_problem=p) for p in unreadable])
    settings, problems = check_settings(data.get("settings", {}))
    if problems:
        raise DesignError(problems)
    try:  # the same admission check as training: a link must not carry what the host can't run
        check_admission(spec, settings)
    except AdmissionError as error:
        raise DesignError([DesignProblem("admission", spec_problem=error)]) from error
    return {"spec": spec.to_dict(), "settings": settings}


def _spec_problems(error: SpecError) -> list[DesignProblem]:
    """Wraps the spec's own (translated elsewhere) problems so one error type reaches the page."""
    found = list(getattr(error, "problems", []) or [])
    if not found:
        return [DesignProblem("bad_spec")]
    return [DesignProblem("spec", spec_problem=p) for p in found]


def _payload(design: dict) -> dict:
    return {"version": FORMAT_VERSION, "spec": design["spec"], "settings": design["settings"]}


def to_json(design: dict) -> str:
    """Returns the design as indented JSON, for a file the learner can keep or share."""
    return json.dumps(_payload(design), indent=2, ensure_ascii=False) + "\n"


def from_json(text: str | bytes) -> dict:
    """Reads a design from a JSON file's contents.

    Args:
        text: the file contents (``str`` or UTF-8 ``bytes``), at most :data:`MAX_JSON_BYTES`.

    Returns:
        The checked design (see :func:`check_design`).

    Raises:
        DesignError: when the file is too big, not JSON, or not a usable design.
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_JSON_BYTES:
        raise DesignError([DesignProblem("too_big", args={"kb": MAX_JSON_BYTES // 1024})])
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise DesignError([DesignProblem("not_json")]) from error
    return check_design(data)


def encode(design: dict) -> str:
    """Packs a design into a short URL-safe string (compact JSON, zlib, base64url, no padding).

    Args:
        design: ``{"spec": ..., "settings": ...}``.

    Returns:
        The string for ``?design=`` in the page URL.
    """
    compact = json.dumps(_payload(design), separators=(",", ":"), ensure_ascii=False)
    packed = zlib.compress(compact.encode("utf-8"), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(token: str) -> dict:
    """Unpacks and checks a design made by :func:`encode`.

    Args:
        token: the ``?design=`` value.

    Returns:
        The checked design.

    Raises:
        DesignError: when the string is too long, damaged, or not a usable design.
    """
    if not isinstance(token, str) or not token.strip():
        raise DesignError([DesignProblem("bad_link")])
    token = token.strip()
    if len(token) > MAX_URL_CHARS:
        raise DesignError([DesignProblem("link_too_long")])
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("truncated or too large")
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError, RecursionError) as error:
        raise DesignError([DesignProblem("bad_link")]) from error
    return check_design(data)


def base_preset(spec: dict) -> tuple[str | None, bool]:
    """Tells which ready-made network a design's network started from, and whether it was edited.

    The network's ``name`` says which preset it came from (presets are named after themselves);
    the layers, input shape and class count are then compared with that preset's.

    Args:
        spec: a design's ``"spec"`` dict.

    Returns:
        ``(preset name or None, edited)``. ``(None, True)`` for a network that names no preset.
    """
    from cnn_core.presets import PRESET_NAMES

    name = spec.get("name") if isinstance(spec, dict) else None
    if name not in PRESET_NAMES:
        return None, True
    try:
        reference = ModelSpec.from_dict(spec)
        preset = get_preset(name, reference.input_shape, reference.num_classes).to_dict()
        same = ModelSpec.from_dict(preset).to_dict() == reference.to_dict()
    except SpecError:
        return name, True
    return name, not same
