"""Shared test set-up: paths, the real-data folder, and AppTest helpers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.chdir(ROOT)

# The real datasets: CNN_STUDIO_DATA, else ../shared/data beside the clone (as in CI).
_default_data = ROOT.parent / "shared" / "data"
if not os.environ.get("CNN_STUDIO_DATA") and (_default_data / "cifar10.npz").exists():
    os.environ["CNN_STUDIO_DATA"] = str(_default_data)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def real_data_dir() -> Path | None:
    folder = os.environ.get("CNN_STUDIO_DATA")
    if folder and (Path(folder) / "cifar10.npz").exists():
        return Path(folder)
    return None


def require_data_dir() -> Path:
    """The folder with the real datasets, for a test (or fixture) that needs them.

    Skips the test locally without it; fails it in CI, which must never skip real-data tests.
    """
    folder = real_data_dir()
    if folder is None:
        if IN_CI:
            pytest.fail("CI must have the real datasets: set CNN_STUDIO_DATA or ../shared/data.")
        pytest.skip("real datasets not found (set CNN_STUDIO_DATA)")
    return folder


@pytest.fixture
def data_dir() -> Path:
    """The folder with the real datasets (see :func:`require_data_dir`)."""
    return require_data_dir()


def app_test(page: str | None = None, lang: str = "pt", timeout: float = 30):
    """Returns an AppTest of the app opened on ``page`` (e.g. ``pages/02_convolution.py``)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    if page:
        at.switch_page(page)
    return at


def no_tensorflow_after(page: str) -> dict:
    """Runs ``page`` through AppTest in a fresh interpreter; reports whether TF got imported.

    Returns:
        ``{"errors": [...], "tensorflow": bool, "keras": bool}``.
    """
    code = f"""
        import json, sys
        from tests.conftest import app_test
        at = app_test({page!r}, lang="en").run()
        print(json.dumps({{
            "errors": [str(e.value) for e in at.exception],
            "tensorflow": "tensorflow" in sys.modules,
            "keras": "keras" in sys.modules,
        }}))
    """
    return run_python_json(code, timeout=180)


def run_python_json(code: str, timeout: float = 120):
    """Runs ``code`` in a fresh interpreter from the repository's root (nothing imported yet);
    returns the JSON its last printed line holds. The run must succeed."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the browser (one Playwright instance for the whole session) -------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CNN_STUDIO_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def need(condition: bool, reason: str) -> None:
    """Skips a test that lacks ``reason``'s tool locally; in CI (``CI=true``) fails it instead."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    chromium = chromium_path()
    need(chromium is not None, "Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
