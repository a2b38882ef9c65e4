"""The Ray backend: each run trains in a Ray actor somewhere on a cluster; this process follows it.

>>> eng = make_engine("10.0.0.5:6379")      # or CNN_STUDIO_RAY_ADDRESS=10.0.0.5:6379 + get_engine()
>>> handle = eng.start(spec, settings, owner="visitor-id")
>>> handle.snapshot().status                 # "waiting" until the cluster has room, then "running"

What runs where:

- **This process** (the app server or the CLI, Ray's *driver*) checks and admits the run, creates
  its folder in the run store, puts the dataset into Ray's object store (once per dataset), asks
  Ray for an actor with the resources a run needs, and follows it. Every file of the run (weights,
  logs, evaluation) is written HERE, through :func:`cnn_core.runs.save_checkpoint`, so Evaluate and
  Classify work unchanged.
- **The actor** (on whichever node has a free CPU, or a GPU where the cluster has one) runs the
  same training loop as the in-process backend (:func:`cnn_core.train.worker.run_training`) against
  an :class:`ActorControl`, which records every report as an event. The driver polls the events a
  few times a second and replays them into the run's live state (the snapshots the Train page
  draws), and saves the model bytes each checkpoint event carries.
- **Ray** decides how many runs train at once (the cluster's capacity); a run whose actor is not
  placed yet is ``"waiting"``, with its place in this process's line and an estimated wait.

The code travels with the run (``cnn_core`` as a Ray ``py_modules`` package) and the data through
the object store, so every node needs only ``pip install -r requirements-cluster.txt``. Ray's
token authentication is not switched off here: set ``RAY_AUTH_MODE=token`` (and the token) on every
node and on this process.

Environment: ``CNN_STUDIO_RAY_CPUS`` (CPUs each run asks for, default 1), ``CNN_STUDIO_RAY_GPUS``
(``auto``: one GPU per run where the cluster has any; or a number).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from pathlib import Path

from cnn_core import runs as _runs
from cnn_core.admission import check_admission
from cnn_core.runs import RunInfo, RunNotFoundError, list_runs, load_run, prune_runs
from cnn_core.spec import ModelSpec, SpecError
from cnn_core.train.engine import QueueEntry
from cnn_core.train.errors import SettingsError, TrainingBusyError
from cnn_core.train.local import LocalControl, load_run_model
from cnn_core.train.ray_actor import actor_class
from cnn_core.train.recipes import check_recipe
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES, RunState, Snapshot
from cnn_core.train.worker import failure_message

__all__ = ["RayEngine", "RayRunHandle", "make_engine"]

CPUS_ENV = "CNN_STUDIO_RAY_CPUS"
GPUS_ENV = "CNN_STUDIO_RAY_GPUS"
NAMESPACE = "cnn_studio"
# How often the driver asks an actor for news: live enough for a 1-second page refresh.
POLL_S = 0.25
# An actor Ray calls "unavailable" (its node missed heartbeats) may come back; after this long
# without an answer the run is given up as interrupted.
UNAVAILABLE_GRACE_S = 30.0

log = logging.getLogger(__name__)


# --- in the driver -------------------------------------------------------------------------------


class _ModelFile:
    """Model bytes with the ``save(path)`` that :class:`LocalControl` calls on a Keras model."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, path) -> None:
        Path(path).write_bytes(self.data)


class RayRunHandle:
    """A run trained by a Ray actor, followed from this process.

    Attributes:
        run_id: the run's id (its folder name).
        owner: the visitor who started it.
        path: the run folder (in this process's run store).
        where: the node and process training it, once placed (``{"host", "pid"}``).
    """

    def __init__(self, run_id: str, owner: str, path: Path, state: RunState):
        self.run_id = run_id
        self.owner = owner
        self.path = path
        self._state = state
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self.where: dict | None = None
        self.stop_seen_step: int | None = None  # the last step trained when the stop arrived
        self.submitted = time.monotonic()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> Snapshot:
        """Returns the current :class:`Snapshot` (never blocks)."""
        return self._state.snapshot()

    def stop(self) -> None:
        """Asks the run to stop after the batch in flight; the weights so far are kept."""
        self._stop.set()
        with self._state.lock:
            if self._state.status in ("queued", "running"):
                self._state.status = "stopping"

    def cancel(self) -> None:
        """Takes a waiting run out of the line; a run that trains stops."""
        self._cancel.set()
        self.stop()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Waits until this process has recorded the run's end; returns ``True`` when it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done

    @property
    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def __repr__(self) -> str:
        return f"RayRunHandle({self.run_id!r}, owner={self.owner!r}, {self.snapshot()!r})"


class _DriverControl(LocalControl):
    """Replays an actor's events into the run's live state and the run store (this process)."""

    def __init__(self, handle: RayRunHandle):
        super().__init__(handle)
        self.clock_offset = 0.0  # add to an actor's perf_counter to get this process's
        self.finished = False

    def apply(self, event: tuple) -> None:
        kind, *rest = event
        if kind == "report":
            changes = dict(rest[0])
            for name in ("t_start", "t_end"):
                if changes.get(name) is not None:
                    changes[name] = changes[name] + self.clock_offset
            if self.handle.stop_requested and changes.get("status") in ACTIVE_STATUSES:
                changes.pop("status")
            self.report(**changes)
        elif kind == "batch":
            self.log_batch(*rest)
        elif kind == "epoch":
            self.log_epoch(*rest)
        elif kind == "started":
            self.started(rest[0])
        elif kind == "checkpoint":
            data, _ = rest
            # The driver's logs, not the actor's: the same thinning, replayed here.
            self.save_checkpoint(None if data is None else _ModelFile(data), self.metrics())
        elif kind == "evaluation":
            self.save_evaluation(*rest)
        elif kind == "stop_seen":
            self.handle.stop_seen_step = rest[0]
        elif kind == "finish":
            status, key, args, advice, details = rest
            self.finish(status, key, args, advice=advice, details=details)
            self.finished = True

    def started(self, precision: str) -> None:
        super().started(precision)
        if self.handle.where:
            _runs.update_meta(self.folder, backend="ray", node=self.handle.where.get("host"))


def _ray_errors():
    import ray.exceptions as rex

    died = (rex.ActorDiedError, rex.RayActorError, rex.WorkerCrashedError, rex.NodeDiedError)
    return died, getattr(rex, "ActorUnavailableError", ())


class RayEngine:
    """The Ray :class:`~cnn_core.train.engine.Engine`: runs train on the cluster at ``address``.

    Args:
        address: ``HOST:PORT`` of the cluster's head (``ray start --head`` prints it).
        runs_dir: runs folder (default ``$CNN_STUDIO_RUNS`` or ``<repo>/runs``).
        data: a dataset object every run trains on (tests); else each run's dataset is loaded
            here once and shared through the object store.
        cpus: CPUs each run asks for (default ``$CNN_STUDIO_RAY_CPUS`` or 1).
        gpus: GPUs each run asks for; ``None``: ``$CNN_STUDIO_RAY_GPUS``, where ``auto`` (the
            default) asks for one GPU when the cluster has any.
        run_seconds: a cap on each run's training time, or ``None``.
    """

    def __init__(
        self,
        address: str,
        runs_dir=None,
        data=None,
        *,
        cpus=None,
        gpus=None,
        run_seconds: float | None = None,
    ):
        self.address = address
        self.runs_dir = runs_dir
        self.data = data
        self.cpus = int(cpus or os.environ.get(CPUS_ENV) or 1)
        self.gpus = gpus
        self.run_seconds = run_seconds
        self._lock = threading.Lock()
        self._connected = False
        self._data_refs: dict = {}
        self._handles: dict[str, RayRunHandle] = {}  # latest per owner
        self._line: list[RayRunHandle] = []  # active runs, in the order they were started

    # -- the cluster --

    def connect(self) -> None:
        """Connects this process to the cluster (once; the first run does it when needed).

        Raises:
            ConnectionError: the head cannot be reached, or refused this process's token.
        """
        import ray

        with self._lock:
            if self._connected and ray.is_initialized():
                return
            package = Path(__file__).resolve().parents[1]
            ray.init(
                address=self.address,
                namespace=NAMESPACE,
                logging_level=logging.WARNING,
                log_to_driver=False,
                ignore_reinit_error=True,
                runtime_env={"py_modules": [str(package)], "excludes": ["__pycache__"]},
            )
            self._connected = True

    def _gpus(self) -> float:
        import ray

        wanted = self.gpus if self.gpus is not None else os.environ.get(GPUS_ENV, "auto")
        if str(wanted).lower() == "auto":
            return 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
        return float(wanted)

    def _data_ref(self, settings: TrainSettings):
        """The dataset's object in the store: put once per dataset, then shared by every run."""
        import ray

        key = "fixed" if self.data is not None else (settings.dataset, settings.val_size)
        with self._lock:
            ref = self._data_refs.get(key)
        if ref is None:
            if self.data is not None:
                data = self.data
            else:
                from cnn_core.train.pipeline import load_data

                data = load_data(settings)
            ref = ray.put(data)
            with self._lock:
                ref = self._data_refs.setdefault(key, ref)
        return ref

    # -- starting --

    def start(
        self,
        spec: ModelSpec,
        settings: TrainSettings,
        *,
        owner: str,
        tags: dict[str, str] | None = None,
    ) -> RayRunHandle:
        """Starts ``spec`` on the cluster (see :meth:`Engine.start`); returns at once."""
        from cnn_core.spec import summarize
        from cnn_core.train.local import _check_tags

        if not owner or not isinstance(owner, str):
            raise ValueError("owner must be a non-empty string")
        if not isinstance(spec, ModelSpec):
            raise TypeError(f"expected a ModelSpec, got {type(spec).__name__}")
        tags = _check_tags(tags)
        settings.check()
        errors = summarize(spec).errors
        if errors:
            raise SpecError(errors)
        check_recipe(spec, settings)
        check_admission(spec, settings)
        prune_runs(self.runs_dir)
        folder = _runs.create_run_folder(
            owner, spec.to_dict(), settings.to_dict(), self.runs_dir, tags=tags
        )
        state = RunState(folder.name, settings.epochs, status="waiting", tags=tags)
        handle = RayRunHandle(folder.name, owner, folder, state)
        return self._launch(handle, spec, settings, None, None, None)

    def continue_run(self, run_id: str, extra_epochs: int, *, owner: str) -> RayRunHandle:
        """Trains a saved run for ``extra_epochs`` more epochs on the cluster (same run id)."""
        if not isinstance(extra_epochs, int) or isinstance(extra_epochs, bool) or extra_epochs <= 0:
            raise SettingsError("extra_epochs", extra_epochs)
        info = load_run(run_id, owner, self.runs_dir)
        if not info.has_model:
            err = RunNotFoundError(run_id)
            err.key = "train.error.no_model"
            raise err
        if info.status in ACTIVE_STATUSES:
            raise TrainingBusyError()
        spec = ModelSpec.from_dict(info.spec)
        settings = TrainSettings.from_dict(info.settings).replace(time_budget_s=None, low_res=0.0)
        check_admission(spec, settings, purpose="continue", extra_epochs=extra_epochs)
        state = RunState(run_id, info.epochs_done + extra_epochs, status="waiting", tags=info.tags)
        state.epoch_log = [e for e in info.epoch_log if not e.get("partial")]
        saved = _runs.read_json(info.path / "metrics.json", {}) or {}
        state.batch_log = list(saved.get("batch_log", []))
        if len(state.batch_log) >= 2:
            state.stride = max(1, int(state.batch_log[-1]["step"] - state.batch_log[-2]["step"]))
        handle = RayRunHandle(run_id, owner, info.path, state)
        metrics = {
            "epoch_log": state.epoch_log,
            "batch_log": state.batch_log,
            "stride": state.stride,
        }
        resume = {"initial_epoch": len(state.epoch_log), "extra_epochs": extra_epochs}
        checkpoint = (info.path / "model.keras").read_bytes()
        return self._launch(handle, spec, settings, resume, checkpoint, metrics)

    def _launch(self, handle, spec, settings, resume, checkpoint, metrics) -> RayRunHandle:
        handle._state.update(message_key="cluster.msg.waiting", message_args={})
        with self._lock:
            self._handles[handle.owner] = handle
            self._line.append(handle)
        self._renumber()
        _runs.update_meta(handle.path, status="waiting", backend="ray")
        thread = threading.Thread(
            target=self._follow,
            args=(handle, spec, settings, resume, checkpoint, metrics),
            name=f"ray-{handle.run_id}",
            daemon=True,
        )
        handle._thread = thread
        thread.start()
        return handle

    # -- following --

    def _follow(self, handle, spec, settings, resume, checkpoint, metrics) -> None:
        control = _DriverControl(handle)
        actor = None
        try:
            try:
                self.connect()
                data = self._data_ref(settings)
                cls = actor_class()
                actor = cls.options(num_cpus=self.cpus, num_gpus=self._gpus()).remote(
                    handle.run_id, handle._state.epochs, metrics, self.cpus
                )
            except BaseException as exc:
                key, args = _start_failure(exc, settings, self.address)
                control.finish("failed", key, args, details=repr(exc))
                return
            if handle.stop_requested:  # stopped or cancelled before it was even submitted
                self._end_unplaced(handle, control)
                return
            run_ref = actor.run.remote(
                spec.to_dict(), settings.to_dict(), data, resume, checkpoint, self.run_seconds
            )
            self._watch(handle, control, actor, run_ref)
        finally:
            if actor is not None:
                with contextlib.suppress(Exception):
                    import ray

                    ray.kill(actor, no_restart=True)  # frees its CPUs at once
            with self._lock:
                if handle in self._line:
                    self._line.remove(handle)
            self._renumber()

    def _watch(self, handle: RayRunHandle, control: _DriverControl, actor, run_ref) -> None:
        import ray

        died, unavailable = _ray_errors()
        cursor, placed, asked_stop, poll_ref = 0, False, False, None
        run_done, last_poll, silent_since = False, False, None
        while True:
            if not placed and handle.stop_requested:
                self._end_unplaced(handle, control)
                return
            if placed and handle.stop_requested and not asked_stop:
                actor.stop.remote()
                asked_stop = True
            if poll_ref is None:
                poll_ref = actor.poll.remote(cursor)
                last_poll = run_done  # asked after run() returned: it brings the last events
            waiting_on = [poll_ref] if run_done else [poll_ref, run_ref]
            ready, _ = ray.wait(waiting_on, num_returns=1, timeout=1.0)
            if not ready:
                silent = 0.0 if silent_since is None else time.monotonic() - silent_since
                if silent > UNAVAILABLE_GRACE_S:
                    self._interrupted(handle, control, "unavailable")
                    return
                continue
            if run_ref in ready and not run_done:
                run_done = True
                try:
                    ray.get(run_ref)
                except died as exc:
                    self._drain_then_interrupt(handle, control, actor, cursor, exc)
                    return
                except Exception as exc:  # the call itself failed (say, the data did not load)
                    self._drain(control, actor, cursor)
                    if not control.finished:
                        key, args = failure_message(exc, TrainSettings())
                        control.finish("failed", key, args, details=repr(exc))
                    return
                continue  # the last events are still to be polled
            try:
                events, actor_now = ray.get(poll_ref)
            except died as exc:
                self._interrupted(handle, control, type(exc).__name__)
                return
            except unavailable:
                silent_since = silent_since or time.monotonic()
                poll_ref = None
                time.sleep(1.0)
                continue
            poll_ref, silent_since = None, None
            control.clock_offset = time.perf_counter() - actor_now
            if not placed:
                placed = True
                with contextlib.suppress(Exception):
                    handle.where = ray.get(actor.where.remote(), timeout=30)
                handle._state.update(queue_position=None, status="queued", eta_s=None)
                handle._state.update(message_key="train.msg.loading_data", message_args={})
                self._renumber()
            for event in events:
                control.apply(event)
            cursor += len(events)
            if control.finished:
                return
            if last_poll:  # run() returned and its last events are in, without a finish
                control.finish("failed", "train.error.unexpected", {"kind": "RayActor"})
                return
            time.sleep(POLL_S)

    def _drain(self, control: _DriverControl, actor, cursor: int) -> None:
        import ray

        with contextlib.suppress(Exception):
            events, actor_now = ray.get(actor.poll.remote(cursor), timeout=30)
            control.clock_offset = time.perf_counter() - actor_now
            for event in events:
                control.apply(event)

    def _drain_then_interrupt(self, handle, control, actor, cursor, exc) -> None:
        self._drain(control, actor, cursor)
        if not control.finished:
            self._interrupted(handle, control, type(exc).__name__)

    def _interrupted(self, handle: RayRunHandle, control: _DriverControl, detail: str) -> None:
        """The actor's process or node died: the run ends ``interrupted``, its last saved epoch
        kept (Continue picks up from it)."""
        epoch = len([e for e in handle._state.epoch_log if not e.get("partial")])
        control.finish(
            "interrupted", "cluster.msg.worker_lost", {"epoch": epoch}, details=f"ray: {detail}"
        )

    def _end_unplaced(self, handle: RayRunHandle, control: _DriverControl) -> None:
        if handle._cancel.is_set():
            control.finish("cancelled", "cluster.msg.cancelled", {})
        else:
            control.finish("stopped", "train.msg.stopped", {"epoch": 0})

    # -- the line --

    def _renumber(self) -> None:
        """Gives each waiting run its place in line and an estimated wait."""
        with self._lock:
            line = list(self._line)
        training, waiting = [], []
        for handle in line:
            snap = handle.snapshot()
            (waiting if snap.status == "waiting" else training).append(snap)
        left = sorted(s.eta_s for s in training if s.eta_s is not None)
        for position, handle in enumerate(h for h in line if h.snapshot().status == "waiting"):
            handle._state.update(
                queue_position=position + 1, eta_s=_wait_estimate(position, left)
            )
            handle._state.update(
                message_key="cluster.msg.waiting", message_args={"position": position + 1}
            )

    def queue(self) -> list[QueueEntry]:
        """The runs this process started that train or wait on the cluster, training ones first."""
        self._renumber()
        with self._lock:
            line = list(self._line)
        entries = []
        for handle in line:
            snap = handle.snapshot()
            if snap.status in ACTIVE_STATUSES:
                entries.append(
                    QueueEntry(
                        run_id=handle.run_id,
                        owner=handle.owner,
                        status=snap.status,
                        position=snap.queue_position,
                        eta_s=snap.eta_s,
                        tags=dict(snap.tags),
                    )
                )
        entries.sort(key=lambda e: (e.position is not None, e.position or 0))
        return entries

    # -- the run store (this process) --

    def attach(self, owner: str) -> RayRunHandle | None:
        with self._lock:
            return self._handles.get(owner)

    def list_runs(self, owner: str) -> list[RunInfo]:
        return list_runs(owner, self.runs_dir)

    def load_run(self, run_id: str, owner: str) -> RunInfo:
        return load_run(run_id, owner, self.runs_dir)

    def load_model(self, run_id: str, owner: str):
        return load_run_model(run_id, owner, self.runs_dir)

    def delete_run(self, run_id: str, owner: str) -> None:
        _runs.delete_run(run_id, owner, self.runs_dir)


def _wait_estimate(position: int, left: list[float]) -> float | None:
    """Seconds until the run at 0-based ``position`` in line gets a place: the ``position``-th
    training run to end frees it (``None`` when there are not that many to go by)."""
    if position < len(left):
        return float(left[position])
    return None


def _start_failure(exc: BaseException, settings: TrainSettings, address: str) -> tuple[str, dict]:
    """The catalog message for a run that could not even be submitted."""
    from cnn_core.data import DataUnavailableError

    if isinstance(exc, DataUnavailableError):
        return "train.error.data", {"dataset": settings.dataset}
    if isinstance(exc, (ConnectionError, TimeoutError)) or "Connection" in type(exc).__name__:
        return "cluster.error.connect", {"address": address}
    return failure_message(exc, settings)


def make_engine(address: str, **options) -> RayEngine:
    """The Ray backend for the cluster at ``address`` (``get_engine`` calls this).

    Args:
        address: ``HOST:PORT`` of the head.
        **options: :class:`RayEngine` options (``runs_dir``, ``data``, ``cpus``, ``gpus``).
    """
    return RayEngine(address, **options)
