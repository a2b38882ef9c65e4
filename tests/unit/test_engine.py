"""The engine interface: every backend has the Protocol's members with the same signatures,
get_engine picks the right one, and one settings schema rules every check."""

from __future__ import annotations

import inspect
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_core import design as designs
from cnn_core.train import (
    SCHEMA,
    Engine,
    LocalEngine,
    LocalRunHandle,
    RunHandle,
    SettingsError,
    TrainSettings,
    get_engine,
)
from cnn_core.train.engine import EngineUnavailableError, reset_engine
from cnn_core.train.snapshot import RunState
from tests.app import fake_engine as fe


def _members(protocol) -> dict[str, object]:
    """The Protocol's own methods and data attributes (not ``object``'s or typing's)."""
    names = {n for n in vars(protocol) if not n.startswith("_")}
    names |= set(getattr(protocol, "__annotations__", {}))
    return {n: getattr(protocol, n, None) for n in sorted(names)}


def _shape(function) -> list[tuple]:
    """Parameter names, kinds and defaults (annotations may name a backend's own handle type)."""
    params = list(inspect.signature(function).parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    return [(p.name, p.kind, p.default) for p in params]


def _assert_implements(obj, protocol) -> None:
    members = _members(protocol)
    assert members, protocol
    for name, member in members.items():
        assert hasattr(obj, name), f"{type(obj).__name__} lacks {name}"
        if callable(member):
            assert _shape(getattr(obj, name)) == _shape(member), (type(obj).__name__, name)


def test_engine_protocol_lists_the_contract():
    assert set(_members(Engine)) == {
        "start",
        "attach",
        "list_runs",
        "load_run",
        "load_model",
        "continue_run",
        "delete_run",
        "queue",
    }
    assert set(_members(RunHandle)) == {"run_id", "owner", "snapshot", "stop", "cancel"}
    start = inspect.signature(Engine.start).parameters
    assert start["owner"].kind is inspect.Parameter.KEYWORD_ONLY
    assert start["tags"].default is None


@pytest.mark.parametrize("backend", [LocalEngine(), fe.ENGINE], ids=["local", "fake"])
def test_backends_implement_the_engine_protocol(backend):
    _assert_implements(backend, Engine)
    assert isinstance(backend, Engine)


def test_a_backend_with_another_signature_is_caught():
    class Drifted(LocalEngine):
        def start(self, spec, settings, owner, tags=None):  # owner no longer keyword-only
            return super().start(spec, settings, owner=owner, tags=tags)

    with pytest.raises(AssertionError):
        _assert_implements(Drifted(), Engine)


def test_run_handles_implement_the_handle_protocol(tmp_path):
    from cnn_core.presets import get_preset

    local = LocalRunHandle("20260101-000000-abcdef", "ana", tmp_path, RunState("r", 1))
    fe.reset()
    try:
        fake = fe.ENGINE.start(get_preset("blog"), TrainSettings(epochs=1), owner="ana")
        for handle in (local, fake):
            _assert_implements(handle, RunHandle)
            assert isinstance(handle, RunHandle)
            assert handle.owner == "ana"
    finally:
        fe.reset()


def test_get_engine_picks_the_fake_the_cluster_or_the_local_backend(monkeypatch):
    monkeypatch.delenv("CNN_STUDIO_RAY_ADDRESS", raising=False)
    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", fe.MODULE)
    assert get_engine() is fe.ENGINE
    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", "tests.app.fake_engine")
    assert get_engine() is sys.modules["tests.app.fake_engine"]
    monkeypatch.delenv("CNN_STUDIO_FAKE_ENGINE")
    reset_engine()
    local = get_engine()
    assert isinstance(local, LocalEngine) and get_engine() is local  # one per process
    monkeypatch.setenv("CNN_STUDIO_RAY_ADDRESS", "127.0.0.1:6379")
    has_backend = (Path(__file__).parents[2] / "cnn_core/train/ray_backend.py").exists()
    if not has_backend:
        with pytest.raises(EngineUnavailableError, match="CNN_STUDIO_RAY_ADDRESS"):
            get_engine()
    reset_engine()


# --- one settings schema -------------------------------------------------------------------


def test_trainsettings_defaults_are_the_schema_defaults():
    assert list(SCHEMA) == list(TrainSettings().to_dict())
    assert TrainSettings().to_dict() == {n: s.default for n, s in SCHEMA.items()}
    assert TrainSettings().to_dict() == designs.DEFAULT_SETTINGS


def _outside(setting):
    step = 1 if setting.kind == "int" else max(abs(setting.high) * 1e-3, 1e-9)
    return [setting.low - step, setting.high + step]


@pytest.mark.parametrize("name", [n for n, s in SCHEMA.items() if s.kind in ("int", "float")])
def test_engine_and_design_agree_on_every_range(name):
    setting = SCHEMA[name]
    for value in (setting.low, setting.high):
        TrainSettings(**{name: value})  # accepted by the engine
        _, problems = designs.check_settings({name: value})
        assert problems == []
    for value in _outside(setting):
        with pytest.raises(SettingsError):
            TrainSettings(**{name: value})
        _, problems = designs.check_settings({name: value})
        assert [p.setting for p in problems] == [name]
    assert math.isfinite(setting.low) and math.isfinite(setting.high)


@pytest.mark.parametrize("name", [n for n, s in SCHEMA.items() if s.kind == "choice"])
def test_engine_design_and_cli_share_the_choices(name):
    from cnn_core.train.cli import build_parser

    setting = SCHEMA[name]
    flag = {a.dest: a for a in build_parser()._actions}[name]
    assert tuple(flag.choices) == setting.choices
    for choice in setting.choices:
        TrainSettings(**{name: choice})
        assert designs.check_settings({name: choice})[1] == []
    with pytest.raises(SettingsError):
        TrainSettings(**{name: "nope"})
    assert [p.code for p in designs.check_settings({name: "nope"})[1]] == ["choice"]


def test_the_build_page_offers_only_values_the_schema_accepts():
    from cnn_core.train.settings import check_value
    from ui import build

    for name, offered in (
        ("learning_rate", build.LR_CHOICES),
        ("batch_size", build.BATCH_CHOICES),
        ("low_res", build.LOW_RES_CHOICES),
        ("train_size", build.TRAIN_SIZE_CHOICES),
        ("optimizer", designs.OPTIMIZERS),
        ("schedule", designs.SCHEDULES),
    ):
        assert offered and all(check_value(name, v)[1] is None for v in offered), name
    assert designs.within("batch_size", 8, 32, 4096) == (32,)


def test_the_engine_interface_imports_without_tensorflow():
    code = (
        "import json, sys; import cnn_core.train as t; t.get_engine();"
        "print(json.dumps(sorted(m for m in ('tensorflow', 'keras', 'streamlit') "
        "if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("CNN_STUDIO_")},
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
