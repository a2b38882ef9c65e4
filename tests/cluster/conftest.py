"""Cluster tests: ONE real local Ray head (token authentication on) for the whole test session.

The head is a ``ray start --head`` process, so other processes (the CLI, the app server) connect to
it by address just as they would to a real cluster. Without Ray installed the tests are skipped
locally (``pip install -r requirements-cluster.txt``); in CI (``CI=true``) they fail instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os

import pytest

from tests.conftest import IN_CI


def need_ray() -> None:
    if importlib.util.find_spec("ray") is None:
        if IN_CI:
            pytest.fail("CI must run the cluster tests: pip install -r requirements-cluster.txt")
        pytest.skip("ray is not installed (pip install -r requirements-cluster.txt)")


@pytest.fixture(scope="session")
def ray_cluster():
    """A running local Ray head with 2 CPUs; yields the :class:`LocalCluster` (``.address``).

    The token variables are exported for the whole session so this process and its children
    authenticate; they are restored, the driver disconnected and the head stopped at the end.
    """
    need_ray()
    from tests.cluster.local_ray import LocalCluster

    cluster = LocalCluster()
    saved = {name: os.environ.get(name) for name in cluster.env()}
    # Before anything here connects: Ray reads the mode and the token once per process.
    os.environ.update(cluster.env())
    try:
        cluster.start_head(num_cpus=2)
        yield cluster
    finally:
        import ray

        with contextlib.suppress(Exception):
            ray.shutdown()
        cluster.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def ray_app_url(ray_cluster):
    """A real ``streamlit run app.py`` server whose engine is the session's Ray head
    (``CNN_STUDIO_RAY_ADDRESS``); yields ``(url, runs_dir)``."""
    import shutil
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request
    from pathlib import Path

    from tests.conftest import ROOT, require_data_dir
    from tests.e2e.conftest import _free_port

    data = require_data_dir()
    port = _free_port()
    runs = Path(tempfile.mkdtemp(prefix="cnn-studio-ray-e2e-"))
    env = {
        **os.environ,
        **ray_cluster.env(),
        "CNN_STUDIO_RAY_ADDRESS": ray_cluster.address,
        "CNN_STUDIO_RUNS": str(runs),
        "CNN_STUDIO_DATA": str(data),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    env.pop("CNN_STUDIO_FAKE_ENGINE", None)
    log = open(runs / "server.log", "w")  # noqa: SIM115 -- closed in teardown
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail("streamlit exited: " + (runs / "server.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not become healthy within 90 s")
        yield url, runs
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(runs, ignore_errors=True)
