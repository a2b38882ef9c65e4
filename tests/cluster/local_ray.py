"""Real local Ray nodes for the cluster tests and bench/cluster.py: a head, and nodes joining it.

Each node is a ``ray start --block`` process of its own, so the processes this helper starts are
the ones it stops (SIGTERM drains and shuts down what that node started; never ``ray stop``,
which would stop every Ray process on the machine). Token authentication is on: a fresh token is
written to a file in the cluster's temporary folder and named by ``RAY_AUTH_TOKEN_PATH``, so no
token lands in ``~/.ray``. Every address is on the loopback interface.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READY_LINE = "block forever"
# Small on purpose: the tests put a few hundred images in it, the benchmark one dataset.
OBJECT_STORE_BYTES = 400 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_token(path: Path) -> Path:
    """Writes a new random authentication token to ``path`` (owner-only); returns the path."""
    path.write_text(secrets.token_hex(32))
    path.chmod(0o600)
    return path


def _ray_cli() -> list[str]:
    return [sys.executable, "-m", "ray.scripts.scripts"]


class LocalCluster:
    """Ray nodes on this machine, started and stopped by this object.

    Args:
        root: the folder for Ray's session files and logs (default: a new temporary one).
        token_path: the token file to use (default: a new token in ``root``). Ray reads the
            token once per process, so a process that drives two clusters in turn gives both
            the same file.

    Attributes:
        root: the temporary folder (Ray's session files, logs, the token file).
        token_path: the file holding the cluster's authentication token.
        address: ``127.0.0.1:<port>`` of the head once started.
    """

    def __init__(self, root: Path | None = None, token_path: Path | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="cnnray-"))
        self.root.mkdir(parents=True, exist_ok=True)
        if token_path is None:  # a fresh token; a process keeps the first one it read
            token_path = self.root / "auth_token"
            write_token(token_path)
        self.token_path = Path(token_path)
        self.address: str | None = None
        self._nodes: list[tuple[subprocess.Popen, Path]] = []

    def env(self) -> dict[str, str]:
        """The variables a process needs to join or drive this cluster (token auth on)."""
        return {
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN_PATH": str(self.token_path),
            "RAY_USAGE_STATS_ENABLED": "0",
        }

    def start_head(self, num_cpus: int = 2, timeout: float = 180) -> str:
        """Starts the head node; returns its address."""
        port = free_port()
        args = [
            "--head",
            f"--port={port}",
            f"--temp-dir={self.root / 'ray'}",
            "--include-dashboard=false",
            f"--dashboard-port={free_port()}",
            f"--ray-client-server-port={free_port()}",
        ]
        self._start(args, num_cpus, "head", timeout)
        self.address = f"127.0.0.1:{port}"
        return self.address

    def add_node(self, num_cpus: int = 1, timeout: float = 180) -> None:
        """Starts one more node on this machine and joins it to the head."""
        assert self.address, "start the head first"
        self._start([f"--address={self.address}"], num_cpus, f"node{len(self._nodes)}", timeout)

    def _start(self, args: list[str], num_cpus: int, name: str, timeout: float) -> None:
        log_path = self.root / f"{name}.log"
        command = [
            *_ray_cli(),
            "start",
            "--block",
            *args,
            "--node-ip-address=127.0.0.1",
            f"--num-cpus={num_cpus}",
            "--num-gpus=0",
            f"--object-store-memory={OBJECT_STORE_BYTES}",
            f"--dashboard-agent-listen-port={free_port()}",
            "--disable-usage-stats",
        ]
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command,
                env={**os.environ, **self.env()},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own group: stopped as one, by its id
            )
        self._nodes.append((process, log_path))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_LINE in log_path.read_text(errors="replace"):
                return
            if process.poll() is not None:
                break
            time.sleep(0.5)
        text = log_path.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"ray node {name} did not start:\n{text}")

    def node_pids(self) -> list[int]:
        return [process.pid for process, _ in self._nodes]

    def stop(self, keep_files: bool = False) -> None:
        """Stops every node this object started (newest first) and removes the temporary folder."""
        for process, _ in reversed(self._nodes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the node drains and stops what it started
        for process, _ in reversed(self._nodes):
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._nodes.clear()
        if not keep_files:
            shutil.rmtree(self.root, ignore_errors=True)
