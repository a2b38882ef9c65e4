"""Browser tests: one real ``streamlit run app.py`` server and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

# The browser and its flags are the whole session's (tests/conftest.py): one Playwright instance
# for the browser tests here and the Ray browser test in tests/cluster.
from tests.conftest import CHROMIUM_ARGS, ROOT, need, real_data_dir  # noqa: F401
from ui.frame import PAGES


def url_path(script: str) -> str:
    """A page's address: ``pages/01_inputs.py`` -> ``inputs``; Home (``app.py``) is ``""``."""
    return "" if script == "app.py" else Path(script).stem.split("_", 1)[1]


# Every page of the app, in the sidebar's order, as the browser tests open them.
APP_PATHS = [url_path(script) for script, _label, _icon in PAGES]

# The running server's runs folder (set by ``app_url``), for tests that prepare runs in it.
_SERVER: dict[str, Path] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Starts the app once for the whole test session and returns its base URL."""
    need(real_data_dir() is not None, "real datasets not found (set CNN_STUDIO_DATA)")
    port = _free_port()
    runs = tempfile.mkdtemp(prefix="cnn-studio-e2e-runs-")
    _SERVER["runs"] = Path(runs)
    env = {
        **os.environ,
        "CNN_STUDIO_RUNS": runs,
        "CNN_STUDIO_DATA": str(real_data_dir()),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    log = open(Path(runs) / "server.log", "w")  # noqa: SIM115 -- closed in teardown
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("streamlit exited: " + (Path(runs) / "server.log").read_text()[-2000:])
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("streamlit did not become healthy within 60 s")
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    shutil.rmtree(runs, ignore_errors=True)


@pytest.fixture(scope="session")
def app_runs_dir(app_url) -> Path:
    """The runs folder (``CNN_STUDIO_RUNS``) of the server behind ``app_url``."""
    return _SERVER["runs"]


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Waits until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=timeout,
    )


def open_page(page, app_url: str, url_path: str = "", lang: str = "en") -> None:
    """Opens ``/<url_path>?lang=<lang>`` and waits for the script run to finish."""
    page.goto(f"{app_url}/{url_path}?lang={lang}")
    wait_for_app(page)
