"""Set-up promises: README commands, CI calling the README's test command, exclusive TF pins."""

from __future__ import annotations

import re

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_command(label: str) -> str:
    match = re.search(rf"<!-- {label} -->\s*```(?:bash|sh)?\n(.+?)\n```", README, re.S)
    assert match, f"README lacks the marked {label} command"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_command("test-command") in ci


def test_readme_run_command_installs_and_starts_the_app():
    command = _readme_command("run-command")
    assert "requirements.txt" in command
    assert "streamlit run app.py" in command


@pytest.mark.parametrize(
    ("platform", "machine", "expected"),
    [
        ("linux", "x86_64", "tensorflow-cpu"),
        ("linux", "aarch64", "tensorflow"),
        ("darwin", "arm64", "tensorflow"),
        ("win32", "AMD64", "tensorflow"),
    ],
)
def test_exactly_one_tensorflow_per_platform(platform, machine, expected):
    env = {"sys_platform": platform, "platform_machine": machine}
    chosen = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.name.startswith("tensorflow") and (req.marker is None or req.marker.evaluate(env)):
            chosen.append(req.name)
    assert chosen == [expected]
