"""Crash-safe file primitives of the run store: durable writes, free space, liveness locks.

- :func:`write_json` writes to a temporary name, flushes it to disk (``fsync``), renames it into
  place and flushes the folder, so a crash or power loss leaves either the old file or the new one.
- :func:`check_space` refuses a write that would leave less than ``$CNN_STUDIO_MIN_FREE_MB`` free
  (:class:`StoreFullError`, with a catalog key), so there is always room to record why a run
  ended; an actual "no space left" during a write becomes the same error.
- :func:`hold` / :func:`is_alive`: a process identity that survives PID reuse. The process keeping
  a run holds an exclusive ``flock`` on ``<run>/.alive.lock``; the kernel drops it when that
  process dies, however it dies, and a later process with the same PID does not inherit it.

No TensorFlow, no Streamlit.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import threading
import time
from pathlib import Path

try:  # POSIX (Linux, macOS); on Windows liveness falls back to the PID alone
    import fcntl
except ImportError:  # pragma: no cover - not on the supported hosts
    fcntl = None

__all__ = [
    "LOCK_NAME",
    "StoreFullError",
    "check_space",
    "env_number",
    "free_bytes",
    "hold",
    "is_alive",
    "is_disk_full",
    "min_free_bytes",
    "read_json",
    "release",
    "replace_durably",
    "write_json",
]

LOCK_NAME = ".alive.lock"
DEFAULT_MIN_FREE_MB = 100
_MB = 1024 * 1024


class StoreFullError(RuntimeError):
    """The disk holding the runs folder is (nearly) full: nothing was written.

    Generic code reads ``message_key`` and ``message_args`` (the engine's worker ends the run as
    failed with them); pages can call :meth:`message`.

    Attributes:
        free_mb: free space on the runs folder's disk, in whole MB.
        needed_mb: what the write needed, with the reserve kept for the run's own records.
    """

    message_key = "runs.error.disk_full"

    def __init__(self, free_bytes: int, needed_bytes: int):
        # Whole megabytes: the same digits in both languages, whoever formats the message.
        self.free_mb = int(free_bytes // _MB)
        self.needed_mb = int(-(-needed_bytes // _MB))
        super().__init__(f"not enough disk space: {self.free_mb} MB free, {self.needed_mb} needed")
        self.message_args = {"free_mb": self.free_mb, "needed_mb": self.needed_mb}

    def message(self, lang: str) -> str:
        from cnn_core.locales import format_number, t

        return t(
            self.message_key,
            lang,
            free_mb=format_number(self.free_mb, lang, 0),
            needed_mb=format_number(self.needed_mb, lang, 0),
        )


# --- atomic writes ------------------------------------------------------------------------------


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it: Keras wraps I/O errors) is "no space left"."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, StoreFullError):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the folder's entry is on disk (not possible on Windows).
    with contextlib.suppress(OSError):
        _fsync_path(folder)


def replace_durably(tmp: Path, path: Path) -> None:
    _fsync_path(tmp)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_json(path: Path, data) -> None:
    """Writes JSON atomically and durably (temporary file, ``fsync``, rename).

    Raises:
        StoreFullError: if the disk ran out of space (nothing of the old file is lost).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    text = json.dumps(data, indent=1, allow_nan=False, default=_json_default)
    try:
        with open(tmp, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if is_disk_full(exc):
            raise StoreFullError(free_bytes(path.parent), len(text)) from exc
        raise
    _fsync_dir(path.parent)


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


# --- liveness -----------------------------------------------------------------------------------

# Lock files this process holds: resolved folder -> open descriptor (closing it drops the lock).
_HELD: dict[str, int] = {}
_HELD_LOCK = threading.Lock()


def _key(folder: Path) -> str:
    return os.path.realpath(folder)


def hold(folder: Path) -> bool:
    """Takes the run's liveness lock for this process, kept until the run leaves the active states.

    ``flock`` (not ``fcntl``/``lockf`` record locks, which one ``close`` anywhere in the process
    would drop) on a descriptor that is not inherited by child processes.

    Returns:
        True if this process holds it now; False if another live process does (the run is alive
        there, e.g. a queue manager that hands the run to a worker).
    """
    if fcntl is None:  # pragma: no cover
        return False
    key = _key(folder)
    with _HELD_LOCK:
        if key in _HELD:
            return True
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        for _ in range(50):  # a reader's short shared probe may hold it for a moment
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            except OSError:  # a filesystem without flock (some network mounts): PIDs it is
                break
            _HELD[key] = fd
            return True
        os.close(fd)
        return False


def release(folder: Path) -> None:
    with _HELD_LOCK:
        fd = _HELD.pop(_key(folder), None)
    if fd is not None:
        os.close(fd)


def _pid_alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(folder: Path, meta: dict | None = None) -> bool:
    """True while some live process holds the run's liveness lock.

    Args:
        folder: the run folder.
        meta: its ``meta.json`` (read when needed); its ``pid`` is used only where ``flock``
            does not work (Windows, some network filesystems).

    Returns:
        Whether the run's keeper process is alive (in this process or another).
    """
    folder = Path(folder)
    with _HELD_LOCK:
        if _key(folder) in _HELD:
            return True
    if fcntl is None:  # pragma: no cover
        meta = meta if meta is not None else read_json(folder / "meta.json", {}) or {}
        return _pid_alive(meta.get("pid"))
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        # A shared probe: it fails only while someone holds the exclusive lock.
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # no flock on this filesystem: the weaker PID check is all there is
        meta = meta if meta is not None else read_json(folder / "meta.json", {}) or {}
        return _pid_alive(meta.get("pid"))
    finally:
        os.close(fd)  # also drops the probe's own shared lock
    return False


def env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return float(default)
    return value if value >= 0 else float(default)


def min_free_bytes() -> int:
    """The space always left free on the runs disk (``$CNN_STUDIO_MIN_FREE_MB``, default 100)."""
    return int(env_number("CNN_STUDIO_MIN_FREE_MB", DEFAULT_MIN_FREE_MB) * _MB)


def free_bytes(folder: Path) -> int:
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def check_space(folder: Path, needed: int) -> None:
    free = free_bytes(folder)
    if free < needed + min_free_bytes():
        raise StoreFullError(free, needed + min_free_bytes())
