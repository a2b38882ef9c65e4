"""The run store: one folder per training run, owned by one visitor.

Layout of ``<runs_dir>/<run_id>/``: ``meta.json`` (owner, status, times), ``spec.json``,
``settings.json``, ``metrics.json`` (epoch and batch logs, rewritten every epoch),
``model.keras`` (weights and optimizer state, saved after every epoch), ``evaluation.json`` and
``test_probs.npy`` (test-set scores), ``error.log`` (a traceback, never shown to the learner),
``.alive.lock`` (held by the process that keeps the run going) and ``.opened`` (touched when a
page opens the run).

Crash safety (the file primitives are in :mod:`cnn_core.durable`):

- Every file is written to a temporary name, flushed to disk (``fsync``) and renamed, so a crash
  never leaves half a file; the model is renamed into place before the log that names its epoch.
- Whether a run is still alive is decided by a lock, not by a PID: the process that starts (or
  continues, or queues) a run holds an exclusive ``flock`` on the run's ``.alive.lock`` for as long
  as the run is active. The kernel drops the lock when that process dies, however it dies
  (``SIGKILL``, power loss, container restart), and a later process with the same PID does not
  inherit it, so a reused PID can never make a dead run look alive. A run whose ``meta.json``
  still says queued/waiting/running/stopping while nobody holds its lock is rewritten as
  ``"interrupted"``; it keeps the weights of its last saved epoch, and Continue starts from them.
- Free disk space is checked before a run is created and before each checkpoint;
  :class:`StoreFullError` names it (``message_key``) and the engine ends the run as failed.
- Pruning keeps the store under a number of folders and bytes, oldest runs first, and never
  deletes an active, waiting or open run. Each visitor also has their own caps.

No TensorFlow here: the Train and Evaluate pages can list runs without loading it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cnn_core.durable import (
    StoreFullError,
    check_space,
    env_number,
    free_bytes,
    hold,
    is_alive,
    is_disk_full,
    read_json,
    release,
    replace_durably,
    write_json,
)

__all__ = [
    "ACTIVE_STATUSES",
    "RunInfo",
    "RunNotFoundError",
    "StoreFullError",
    "create_run_folder",
    "delete_run",
    "epochs_saved",
    "is_alive",
    "list_runs",
    "load_run",
    "new_run_id",
    "prune_runs",
    "prune_visitor_runs",
    "recover_runs",
    "runs_root",
    "save_checkpoint",
    "update_meta",
]

ROOT = Path(__file__).resolve().parents[1]
_RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
# A run in one of these states is being (or waiting to be) trained by a live process.
ACTIVE_STATUSES = ("queued", "waiting", "running", "stopping")
OPENED_NAME = ".opened"
# A run a page opened within this many seconds counts as open: pruning leaves it alone.
OPEN_SECONDS = 30 * 60
DEFAULT_MAX_RUNS_MB = 500
DEFAULT_MAX_RUNS = 500
DEFAULT_MAX_RUNS_PER_VISITOR = 20
DEFAULT_MAX_VISITOR_MB = 200
_MB = 1024 * 1024


class RunNotFoundError(LookupError):
    """No run with this id belongs to this owner (or the id is malformed).

    Another visitor's run is reported exactly like a missing one, so ids leak nothing.
    """

    def __init__(self, run_id: str):
        super().__init__(f"run not found: {run_id!r}")
        self.run_id = run_id
        self.key = "train.error.run_not_found"

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang)


@dataclass(repr=False)
class RunInfo:
    """What the store knows about one run (all plain JSON values).

    Attributes:
        run_id: folder name, ``YYYYMMDD-HHMMSS-xxxxxx``.
        owner: the visitor id that started it.
        created: ISO time (UTC) it was created.
        spec: the model design (``ModelSpec.to_dict()``).
        settings: the training settings (``TrainSettings.to_dict()``).
        status: ``queued``, ``waiting``, ``running``, ``stopping``, ``stopped``, ``finished``,
            ``diverged``, ``failed``, or ``interrupted`` (the process that trained it died
            mid-run; its last saved epoch is kept).
        epoch_log: one dict per epoch done (see ``Snapshot.epoch_log``).
        evaluation: test-set scores (``Evaluation.to_dict()``) or ``None``.
        message_key, message_args: a catalog key (and its arguments) saying how the run ended.
        path: the run folder.
        tags: small dict of strings stored with the run (e.g. a lesson name).
    """

    run_id: str
    owner: str
    created: str
    spec: dict
    settings: dict
    status: str
    epoch_log: list = field(default_factory=list)
    evaluation: dict | None = None
    message_key: str | None = None
    message_args: dict = field(default_factory=dict)
    path: Path | None = None
    tags: dict = field(default_factory=dict)

    @property
    def epochs_done(self) -> int:
        return sum(1 for e in self.epoch_log if not e.get("partial"))

    @property
    def has_model(self) -> bool:
        return self.path is not None and (self.path / "model.keras").exists()

    def __repr__(self) -> str:
        acc = self.evaluation.get("accuracy") if self.evaluation else None
        acc_text = "-" if acc is None else f"{acc:.4f}"
        return (
            f"RunInfo({self.run_id!r}, status={self.status!r}, epochs={len(self.epoch_log)}, "
            f"test_accuracy={acc_text}, model={self.spec.get('name', '?')!r})"
        )


def runs_root(runs_dir=None) -> Path:
    """Returns the runs folder: ``runs_dir``, else ``$CNN_STUDIO_RUNS``, else ``<repo>/runs``."""
    folder = runs_dir or os.environ.get("CNN_STUDIO_RUNS") or (ROOT / "runs")
    return Path(folder)


def new_run_id() -> str:
    """Returns a fresh run id (time-sortable, with 24 random bits)."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


def valid_run_id(run_id) -> bool:
    """True when ``run_id`` has the store's format (so it cannot walk out of the folder)."""
    return isinstance(run_id, str) and bool(_RUN_ID.match(run_id))


def run_path(run_id: str, runs_dir=None) -> Path:
    if not valid_run_id(run_id):
        raise RunNotFoundError(str(run_id)[:40])
    return runs_root(runs_dir) / run_id


def epochs_saved(folder: Path) -> int:
    """Full epochs whose weights are in the run folder (what Continue would start from).

    Args:
        folder: the run folder.

    Returns:
        The epochs of ``metrics.json`` that ended (a partial last epoch does not count).
    """
    saved = read_json(Path(folder) / "metrics.json", {}) or {}
    return sum(1 for e in saved.get("epoch_log", []) if not e.get("partial"))


def _mark_interrupted(folder: Path, meta: dict) -> dict:
    meta = dict(meta)
    epochs = epochs_saved(folder)
    # Say what was lost: a run still in line never began, one cut off in its first epoch kept
    # no weights (nothing to Continue from), a later one kept its last full epoch.
    if meta.get("status") == "waiting":
        key = "runs.msg.interrupted_waiting"
    elif epochs == 0:
        key = "runs.msg.interrupted_early"
    else:
        key = "runs.msg.interrupted"
    meta.update(
        status="interrupted",
        interrupted_from=meta.get("status"),
        message_key=key,
        message_args={"epochs": epochs},
        updated=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    with contextlib.suppress(OSError, StoreFullError):  # a read must work on a full disk too
        write_json(folder / "meta.json", meta)
    return meta


def _settled(folder: Path, meta: dict) -> dict:
    """The run's meta, with an active run whose keeper died rewritten as interrupted."""
    if meta.get("status") in ACTIVE_STATUSES and not is_alive(folder, meta):
        # Read again: the keeper may have finished (and released) between our two reads.
        fresh = read_json(folder / "meta.json", {}) or {}
        if fresh.get("status") in ACTIVE_STATUSES and not is_alive(folder, fresh):
            return _mark_interrupted(folder, fresh)
        return fresh or meta
    return meta


_RECOVERED: set[str] = set()
_RECOVER_LOCK = threading.Lock()


def recover_runs(runs_dir=None) -> list[str]:
    """Marks every run left active by a dead process as ``"interrupted"`` (any owner).

    Called once per process and runs folder by the first :func:`list_runs`/:func:`load_run`
    (the engine or the app may also call it at start-up). Their last saved weights stay, so
    Continue works from them.

    Args:
        runs_dir: runs folder.

    Returns:
        The ids rewritten as interrupted.
    """
    root = runs_root(runs_dir)
    with _RECOVER_LOCK:
        _RECOVERED.add(os.path.realpath(root))
    if not root.is_dir():
        return []
    changed = []
    for folder in sorted(root.iterdir()):
        if not valid_run_id(folder.name):
            continue
        meta = read_json(folder / "meta.json")
        if meta and _settled(folder, meta).get("status") != meta.get("status"):
            changed.append(folder.name)
    return changed


def _recover_once(runs_dir) -> None:
    key = os.path.realpath(runs_root(runs_dir))
    if key not in _RECOVERED:
        recover_runs(runs_dir)


# --- reading ------------------------------------------------------------------------------------


def _info(folder: Path, meta: dict) -> RunInfo:
    meta = _settled(folder, meta)
    metrics = read_json(folder / "metrics.json", {}) or {}
    return RunInfo(
        run_id=folder.name,
        owner=meta.get("owner", ""),
        created=meta.get("created", ""),
        spec=read_json(folder / "spec.json", {}) or {},
        settings=read_json(folder / "settings.json", {}) or {},
        status=meta.get("status", "failed"),
        epoch_log=metrics.get("epoch_log", []),
        evaluation=read_json(folder / "evaluation.json"),
        message_key=meta.get("message_key"),
        message_args=meta.get("message_args") or {},
        path=folder,
        tags=meta.get("tags") or {},
    )


def load_run(run_id: str, owner: str, runs_dir=None) -> RunInfo:
    """Reads one run of ``owner`` (and marks it open, so pruning keeps it for a while).

    Args:
        run_id: the run's id.
        owner: the visitor asking; must be the run's owner.
        runs_dir: runs folder (default: :func:`runs_root`).

    Returns:
        The :class:`RunInfo`.

    Raises:
        RunNotFoundError: if the id is malformed, missing, or owned by someone else.
    """
    folder = run_path(run_id, runs_dir)
    _recover_once(runs_dir)
    meta = read_json(folder / "meta.json")
    if not meta or meta.get("owner") != owner or not owner:
        raise RunNotFoundError(run_id)
    with contextlib.suppress(OSError):  # a timestamp only: never worth failing a read
        (folder / OPENED_NAME).touch()
    return _info(folder, meta)


def list_runs(owner: str, runs_dir=None) -> list[RunInfo]:
    """Lists the runs of ``owner``, newest first.

    Args:
        owner: the visitor id.
        runs_dir: runs folder (default: :func:`runs_root`).

    Returns:
        A list of :class:`RunInfo` (other owners' runs are never included).
    """
    root = runs_root(runs_dir)
    if not owner or not root.is_dir():
        return []
    _recover_once(runs_dir)
    found = []
    for folder in root.iterdir():
        if not valid_run_id(folder.name):
            continue
        meta = read_json(folder / "meta.json")
        if meta and meta.get("owner") == owner:
            found.append(_info(folder, meta))
    return sorted(found, key=lambda r: r.run_id, reverse=True)


def delete_run(run_id: str, owner: str, runs_dir=None) -> None:
    """Deletes a run of ``owner`` (refuses an active one; an interrupted one can go).

    Raises:
        RunNotFoundError: if the run is not ``owner``'s.
        RuntimeError: if it is still training or waiting.
    """
    info = load_run(run_id, owner, runs_dir)
    if info.status in ACTIVE_STATUSES:
        raise RuntimeError("run is still training")
    release(info.path)
    shutil.rmtree(info.path, ignore_errors=True)


# --- disk space ---------------------------------------------------------------------------------


def _estimated_model_bytes(spec: dict) -> int:
    """Bytes of a saved model: weights and up to two optimizer slots, in float32, plus a margin."""
    try:
        from cnn_core.spec import ModelSpec, summarize

        params = summarize(ModelSpec.from_dict(spec)).total_params
    except Exception:  # a malformed spec fails later, in the engine, with its own message
        params = 0
    return int(params * 4 * 3 + 256 * 1024)


# --- pruning ------------------------------------------------------------------------------------


def _folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(dirpath, name))
    return total


def max_runs_bytes() -> int:
    """The disk cap of the whole runs folder (``$CNN_STUDIO_MAX_RUNS_MB``, default 500)."""
    return int(env_number("CNN_STUDIO_MAX_RUNS_MB", DEFAULT_MAX_RUNS_MB) * _MB)


def max_runs() -> int:
    """How many run folders the store keeps (``$CNN_STUDIO_MAX_RUNS``, default 500)."""
    return int(env_number("CNN_STUDIO_MAX_RUNS", DEFAULT_MAX_RUNS))


def max_runs_per_visitor() -> int:
    """Runs kept per visitor (``$CNN_STUDIO_MAX_RUNS_PER_VISITOR``, default 20)."""
    return max(1, int(env_number("CNN_STUDIO_MAX_RUNS_PER_VISITOR", DEFAULT_MAX_RUNS_PER_VISITOR)))


def max_visitor_bytes() -> int:
    """Disk kept per visitor (``$CNN_STUDIO_MAX_VISITOR_MB``, default 200)."""
    return int(env_number("CNN_STUDIO_MAX_VISITOR_MB", DEFAULT_MAX_VISITOR_MB) * _MB)


def _is_open(folder: Path, now: float) -> bool:
    try:
        return now - (folder / OPENED_NAME).stat().st_mtime < OPEN_SECONDS
    except OSError:
        return False


def _protected(folder: Path, meta: dict, keep, now: float) -> bool:
    """Active (its keeper alive), waiting, open, or asked to be kept: pruning never deletes it."""
    if folder.name in keep or _is_open(folder, now):
        return True
    return meta.get("status") in ACTIVE_STATUSES and is_alive(folder, meta)


def _prune(folders: list[Path], *, cap_bytes: int, cap_count: int, keep) -> list[str]:
    """Deletes the oldest unprotected folders until both caps hold (or nothing else may go)."""
    sizes = {f: _folder_bytes(f) for f in folders}
    total, count = sum(sizes.values()), len(folders)
    now = time.time()
    deleted = []
    for folder in sorted(folders):  # oldest first: ids start with the creation time
        if total <= cap_bytes and count <= cap_count:
            break
        meta = read_json(folder / "meta.json", {}) or {}
        if _protected(folder, meta, keep, now):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        total -= sizes[folder]
        count -= 1
        deleted.append(folder.name)
    return deleted


def prune_runs(
    runs_dir=None, *, max_bytes: int | None = None, keep: tuple = (), max_count: int | None = None
) -> list[str]:
    """Deletes the oldest runs (any owner) until the folder is under its caps of bytes and runs.

    Active and waiting runs (their keeper process alive), runs a page opened in the last
    :data:`OPEN_SECONDS`, and the ids in ``keep`` are never deleted.

    Args:
        runs_dir: runs folder.
        max_bytes: the cap; ``$CNN_STUDIO_MAX_RUNS_MB`` (default 500 MB) when ``None``.
        keep: run ids to keep whatever happens.
        max_count: most run folders; ``$CNN_STUDIO_MAX_RUNS`` (default 500) when ``None``.

    Returns:
        The ids deleted, oldest first.
    """
    root = runs_root(runs_dir)
    if not root.is_dir():
        return []
    folders = [f for f in root.iterdir() if valid_run_id(f.name) and f.is_dir()]
    return _prune(
        folders,
        cap_bytes=max_runs_bytes() if max_bytes is None else max_bytes,
        cap_count=max_runs() if max_count is None else max_count,
        keep=keep,
    )


def prune_visitor_runs(
    owner: str,
    runs_dir=None,
    *,
    max_count: int | None = None,
    max_bytes: int | None = None,
    keep: tuple = (),
) -> list[str]:
    """Deletes ``owner``'s oldest ended runs until they are within the per-visitor caps.

    Only runs that have ended (finished, stopped, diverged, failed, interrupted) go; active,
    waiting and open runs stay, even if that leaves the visitor over a cap.

    Args:
        owner: the visitor id.
        runs_dir: runs folder.
        max_count: most runs kept; ``$CNN_STUDIO_MAX_RUNS_PER_VISITOR`` (default 20) when ``None``.
        max_bytes: most bytes kept; ``$CNN_STUDIO_MAX_VISITOR_MB`` (default 200 MB) when ``None``.
        keep: run ids to keep whatever happens.

    Returns:
        The ids deleted, oldest first.
    """
    root = runs_root(runs_dir)
    if not owner or not root.is_dir():
        return []
    folders = []
    for folder in root.iterdir():
        if valid_run_id(folder.name):
            meta = read_json(folder / "meta.json", {}) or {}
            if meta.get("owner") == owner:
                folders.append(folder)
    return _prune(
        folders,
        cap_bytes=max_visitor_bytes() if max_bytes is None else max_bytes,
        cap_count=max_runs_per_visitor() if max_count is None else max_count,
        keep=keep,
    )


# --- writing ------------------------------------------------------------------------------------


def create_run_folder(owner: str, spec: dict, settings: dict, runs_dir=None, *, tags=None) -> Path:
    """Creates a run folder with its metadata, held alive by this process; returns its path.

    First makes room for it within ``owner``'s caps (:func:`prune_visitor_runs`, keeping one place
    for the new run), then checks the disk has room for its model.

    Args:
        owner: the visitor id.
        spec: the model design (``ModelSpec.to_dict()``).
        settings: the training settings (``TrainSettings.to_dict()``).
        runs_dir: runs folder.
        tags: a small dict of strings kept with the run (e.g. a lesson and a student).

    Returns:
        The new folder; its status is ``"queued"`` until the engine updates it.

    Raises:
        StoreFullError: if the disk lacks room for the run's model (nothing is created).
    """
    root = runs_root(runs_dir)
    root.mkdir(parents=True, exist_ok=True)
    prune_visitor_runs(owner, runs_dir, max_count=max_runs_per_visitor() - 1)
    check_space(root, _estimated_model_bytes(spec))
    for _ in range(20):
        folder = root / new_run_id()
        try:
            folder.mkdir()
            break
        except FileExistsError:
            time.sleep(0.01)
    else:  # pragma: no cover - 20 collisions of 24 random bits
        raise RuntimeError("could not create a run folder")
    try:
        # The lock before the manifest: nobody can see an active run that nobody keeps.
        hold(folder)
        write_json(folder / "spec.json", spec)
        write_json(folder / "settings.json", settings)
        write_json(
            folder / "meta.json",
            {
                "run_id": folder.name,
                "owner": owner,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "status": "queued",
                "pid": os.getpid(),
                "tags": dict(tags or {}),
            },
        )
    except BaseException:
        release(folder)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def save_checkpoint(folder: Path, write_model, metrics: dict, *, expected_bytes=None) -> None:
    """Saves one epoch's progress: the model first, then the log that names its epoch.

    Each file goes to a temporary name, is flushed to disk and renamed, so after a crash the log
    is never ahead of the weights.

    Args:
        folder: the run folder.
        write_model: ``write_model(path)`` writes the Keras file to ``path`` (a temporary name,
            renamed into place), or ``None`` to write the metrics alone.
        metrics: ``{"epoch_log": [...], "batch_log": [...]}``.
        expected_bytes: the model file's size, if known (else the last saved model's size, or an
            estimate from ``spec.json``).

    Raises:
        StoreFullError: if the disk lacks room (checked first; also when a write runs out of
            space). The previous checkpoint is left whole.
    """
    folder = Path(folder)
    if write_model is not None:
        if expected_bytes is None:
            try:
                expected_bytes = (folder / "model.keras").stat().st_size
            except OSError:
                expected_bytes = _estimated_model_bytes(read_json(folder / "spec.json", {}) or {})
        check_space(folder, int(expected_bytes))
        tmp = folder / ".model.tmp.keras"
        try:
            write_model(tmp)
            replace_durably(tmp, folder / "model.keras")
        except BaseException as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if is_disk_full(exc) and not isinstance(exc, StoreFullError):
                raise StoreFullError(free_bytes(folder), int(expected_bytes)) from exc
            raise
    else:
        check_space(folder, 0)
    write_json(folder / "metrics.json", metrics)


def update_meta(folder: Path, **changes) -> None:
    """Updates ``meta.json`` atomically; a change of ``status`` also takes or drops liveness.

    Moving into an active status (queued, waiting, running, stopping) makes this process the
    run's keeper (it holds the run's lock); any other status releases it, even if the write
    fails, so a run can never stay "alive" after its process gave up on it.

    Raises:
        StoreFullError: if the disk is full (the caller's run ends as failed).
    """
    folder = Path(folder)
    status = changes.get("status")
    if status in ACTIVE_STATUSES:
        hold(folder)
    try:
        meta = read_json(folder / "meta.json", {}) or {}
        meta.update(changes, updated=datetime.now(UTC).isoformat(timespec="seconds"))
        write_json(folder / "meta.json", meta)
    finally:
        if status is not None and status not in ACTIVE_STATUSES:
            release(folder)
