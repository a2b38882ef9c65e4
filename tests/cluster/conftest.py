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
    try:
        cluster.start_head(num_cpus=2)
        os.environ.update(cluster.env())
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
