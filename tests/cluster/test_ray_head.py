"""The session's Ray head: other processes reach it by address, and only with its token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

CONNECT = textwrap.dedent(
    """
    import json, sys, ray
    try:
        ray.init(address=sys.argv[1], logging_level="error", log_to_driver=False)
        print(json.dumps({"cpus": ray.cluster_resources().get("CPU")}))
    except Exception as exc:
        print(json.dumps({"error": type(exc).__name__}))
    """
)


def _connect(address: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CONNECT, address],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_separate_process_connects_with_the_token(ray_cluster):
    assert _connect(ray_cluster.address, dict(os.environ)) == {"cpus": 2.0}


def test_a_process_without_the_token_is_refused(ray_cluster):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH")}
    env["RAY_AUTH_MODE"] = "disabled"
    outcome = _connect(ray_cluster.address, env)
    assert "cpus" not in outcome, "the head accepted a driver without the token"
