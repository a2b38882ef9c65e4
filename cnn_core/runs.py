"""The run store: one folder per training run, owned by one visitor.

Layout of ``<runs_dir>/<run_id>/``: ``meta.json`` (owner, status, times), ``spec.json``,
``settings.json``, ``metrics.json`` (epoch and batch logs, rewritten every epoch),
``model.keras`` (weights and optimizer state, saved after every epoch), ``evaluation.json`` and
``test_probs.npy`` (test-set scores), ``error.log`` (a traceback, never shown to the learner).
Every file is written to a temporary name and renamed, so a crash never leaves half a file.

No TensorFlow here: the Train and Evaluate pages can list runs without loading it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "RunInfo",
    "RunNotFoundError",
    "delete_run",
    "list_runs",
    "load_run",
    "new_run_id",
    "prune_runs",
    "runs_root",
    "save_checkpoint",
]

ROOT = Path(__file__).resolve().parents[1]
_RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
DEFAULT_MAX_RUNS_MB = 500


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
        status: ``running``, ``stopped``, ``finished``, ``diverged``, ``failed``, or
            ``interrupted`` (the process that trained it died mid-run).
        epoch_log: one dict per epoch done (see ``Snapshot.epoch_log``).
        evaluation: test-set scores (``Evaluation.to_dict()``) or ``None``.
        message_key, message_args: a catalog key (and its arguments) saying how the run ended.
        path: the run folder.
        tags: the small dict of strings the run was started with (``{}`` when none).
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


def write_json(path: Path, data) -> None:
    """Writes JSON atomically (temporary file + rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, allow_nan=False, default=_json_default))
    os.replace(tmp, path)


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


def _info(folder: Path, meta: dict) -> RunInfo:
    metrics = read_json(folder / "metrics.json", {}) or {}
    status = meta.get("status", "failed")
    if status in ("queued", "running", "stopping") and not _pid_alive(meta.get("pid")):
        status = "interrupted"
    return RunInfo(
        run_id=folder.name,
        owner=meta.get("owner", ""),
        created=meta.get("created", ""),
        spec=read_json(folder / "spec.json", {}) or {},
        settings=read_json(folder / "settings.json", {}) or {},
        status=status,
        epoch_log=metrics.get("epoch_log", []),
        evaluation=read_json(folder / "evaluation.json"),
        message_key=meta.get("message_key"),
        message_args=meta.get("message_args") or {},
        path=folder,
        tags=meta.get("tags") or {},
    )


def load_run(run_id: str, owner: str, runs_dir=None) -> RunInfo:
    """Reads one run of ``owner``.

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
    meta = read_json(folder / "meta.json")
    if not meta or meta.get("owner") != owner or not owner:
        raise RunNotFoundError(run_id)
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
    found = []
    for folder in root.iterdir():
        if not valid_run_id(folder.name):
            continue
        meta = read_json(folder / "meta.json")
        if meta and meta.get("owner") == owner:
            found.append(_info(folder, meta))
    return sorted(found, key=lambda r: r.run_id, reverse=True)


def delete_run(run_id: str, owner: str, runs_dir=None) -> None:
    """Deletes a run of ``owner`` (refuses a running one).

    Raises:
        RunNotFoundError: if the run is not ``owner``'s.
        RuntimeError: if it is still training.
    """
    info = load_run(run_id, owner, runs_dir)
    if info.status in ("queued", "running", "stopping"):
        raise RuntimeError("run is still training")
    shutil.rmtree(info.path, ignore_errors=True)


def _folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(dirpath, name))
    return total


def max_runs_bytes() -> int:
    try:
        mb = float(os.environ.get("CNN_STUDIO_MAX_RUNS_MB", DEFAULT_MAX_RUNS_MB))
    except ValueError:
        mb = DEFAULT_MAX_RUNS_MB
    return int(mb * 1024 * 1024)


def prune_runs(runs_dir=None, *, max_bytes: int | None = None, keep: tuple = ()) -> list[str]:
    """Deletes the oldest runs (any owner) until the folder is under the disk cap.

    Runs still training (their process alive) and the ids in ``keep`` are never deleted.

    Args:
        runs_dir: runs folder.
        max_bytes: the cap; ``$CNN_STUDIO_MAX_RUNS_MB`` (default 500 MB) when ``None``.
        keep: run ids to keep whatever happens.

    Returns:
        The ids deleted, oldest first.
    """
    root = runs_root(runs_dir)
    if not root.is_dir():
        return []
    cap = max_runs_bytes() if max_bytes is None else max_bytes
    folders = sorted(f for f in root.iterdir() if valid_run_id(f.name))
    sizes = {f: _folder_bytes(f) for f in folders}
    total = sum(sizes.values())
    deleted = []
    for folder in folders:  # oldest first: ids start with the creation time
        if total <= cap:
            break
        if folder.name in keep:
            continue
        meta = read_json(folder / "meta.json", {}) or {}
        if meta.get("status") in ("queued", "running", "stopping") and _pid_alive(meta.get("pid")):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        total -= sizes[folder]
        deleted.append(folder.name)
    return deleted


def create_run_folder(owner: str, spec: dict, settings: dict, runs_dir=None, *, tags=None) -> Path:
    """Creates a run folder with its metadata (``tags``: a dict of strings); returns its path."""
    root = runs_root(runs_dir)
    root.mkdir(parents=True, exist_ok=True)
    for _ in range(20):
        folder = root / new_run_id()
        try:
            folder.mkdir()
            break
        except FileExistsError:
            time.sleep(0.01)
    else:  # pragma: no cover - 20 collisions of 24 random bits
        raise RuntimeError("could not create a run folder")
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
    return folder


def save_checkpoint(folder: Path, write_model, metrics: dict) -> None:
    """Saves one epoch's progress: the model first, then the log that names its epoch.

    Args:
        folder: the run folder.
        write_model: ``write_model(path)`` writes the Keras file to ``path`` (a temporary name,
            renamed into place), or ``None`` to write the metrics alone.
        metrics: ``{"epoch_log": [...], "batch_log": [...]}``.
    """
    if write_model is not None:
        tmp = folder / ".model.tmp.keras"
        write_model(tmp)
        tmp.replace(folder / "model.keras")
    write_json(folder / "metrics.json", metrics)


def update_meta(folder: Path, **changes) -> None:
    meta = read_json(folder / "meta.json", {}) or {}
    meta.update(changes, updated=datetime.now(UTC).isoformat(timespec="seconds"))
    write_json(folder / "meta.json", meta)
