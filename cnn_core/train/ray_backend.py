"""The Ray backend: each run trains in a Ray task somewhere on a cluster; this process follows it.

>>> eng = make_engine("10.0.0.5:6379")      # or CNN_STUDIO_RAY_ADDRESS=10.0.0.5:6379 + get_engine()
>>> handle = eng.start(spec, settings, owner="visitor-id")
>>> handle.snapshot().status                 # "waiting" until the cluster has room, then "running"

What runs where:

- **This process** (the app server or the CLI: Ray's *driver*, on a node of the cluster) checks
  and admits the run, creates its folder in the run store, puts the dataset into Ray's object store
  (once per dataset), asks Ray for a task with the resources a run needs, and follows it. Every
  file of the run (weights, logs, evaluation) is written HERE, through
  :func:`cnn_core.runs.save_checkpoint`, so Evaluate and Classify work unchanged.
- **The task** (on whichever node has a free CPU, or a GPU where the cluster has one) runs the same
  training loop as the in-process backend (:func:`cnn_core.train.worker.run_training`) against a
  :class:`~cnn_core.train.relay.TaskControl`, which records every report as an event and
  pushes the events to this engine's relay actor a few times a second. This process takes them
  and replays them into the run's live state (the snapshots the Train page draws), and saves the
  model bytes each checkpoint event carries.
- **Ray** decides how many runs train at once (the cluster's capacity); a run whose task has no
  place yet is ``"waiting"``, with its place in this process's line and an estimated wait.

The code travels with the run (``cnn_core`` as a Ray ``py_modules`` package) and the data through
the object store, so every node needs only ``pip install -r requirements-cluster.txt``. Ray's
token authentication is never switched off here: set ``RAY_AUTH_MODE=token`` and the token
(``RAY_AUTH_TOKEN_PATH``) on every node and for this process.

Environment: ``CNN_STUDIO_RAY_CPUS`` (CPUs each run asks for, default 1), ``CNN_STUDIO_RAY_GPUS``
(``auto``: one GPU per run where the cluster has any; or a number).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

import ray

from cnn_core import runs as _runs
from cnn_core.admission import check_admission
from cnn_core.runs import RunInfo, RunNotFoundError, list_runs, load_run, prune_runs
from cnn_core.spec import ModelSpec
from cnn_core.train.errors import SettingsError, TrainingBusyError
from cnn_core.train.local import LocalControl, load_run_model
from cnn_core.train.ray_actor import relay_class, task_function
from cnn_core.train.relay import Replay, lost_message
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES, QueueEntry, RunState, Snapshot
from cnn_core.train.worker import failure_message

__all__ = ["RayEngine", "RayRunHandle", "make_engine"]

CPUS_ENV = "CNN_STUDIO_RAY_CPUS"
GPUS_ENV = "CNN_STUDIO_RAY_GPUS"
NAMESPACE = "cnn_studio"
# How often the driver takes a run's news from the relay: live enough for a 1-second page refresh.
POLL_S = 0.25


class RayRunHandle:
    """A run trained by a Ray task, followed from this process.

    Attributes:
        run_id: the run's id (its folder name).
        owner: the visitor who started it.
        path: the run folder (in this process's run store).
        where: the node and process training it, once placed (``{"host", "pid", "node"}``).
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
    """The run's control in this process (live state, run store); a
    :class:`~cnn_core.train.relay.Replay` applies the worker's events to it."""

    def started(self, precision: str) -> None:
        super().started(precision)
        if self.handle.where:
            where = self.handle.where
            _runs.update_meta(
                self.folder, backend="ray", node=where.get("host"), node_id=where.get("node")
            )


def _ray_errors() -> tuple:
    """What Ray raises when a run's worker (or its node) is gone."""
    import ray.exceptions as rex

    return (rex.RayActorError, rex.WorkerCrashedError, rex.NodeDiedError, rex.ObjectLostError)


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
        self._relay = None  # this engine's mailbox actor (ray_actor.Relay)
        self._data_refs: dict = {}
        self._put_lock = threading.Lock()
        self.data_puts = 0  # datasets put into the object store (once each)
        self._handles: dict[str, RayRunHandle] = {}  # latest per owner
        self._line: list[RayRunHandle] = []  # active runs, in the order they were started

    # -- the cluster --

    def connect(self):
        """Connects this process to the cluster and returns this engine's relay actor (made
        once; the first run does it when needed).

        Raises:
            ConnectionError: the head cannot be reached, or refused this process's token.
        """
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        with self._lock:
            if not ray.is_initialized():
                package = Path(__file__).resolve().parents[1]
                ray.init(
                    address=self.address,
                    namespace=NAMESPACE,
                    logging_level=logging.WARNING,
                    log_to_driver=False,
                    # The code travels with the runs: nodes need Ray and TensorFlow, not the repo.
                    runtime_env={"py_modules": [str(package)], "excludes": ["__pycache__"]},
                )
            if self._relay is None:
                # Beside this process when it is a node of the cluster: news travels less.
                here = ray.get_runtime_context().get_node_id()
                strategy = NodeAffinitySchedulingStrategy(node_id=here, soft=True)
                self._relay = relay_class().options(scheduling_strategy=strategy).remote()
            return self._relay

    def _gpus(self) -> float:
        wanted = self.gpus if self.gpus is not None else os.environ.get(GPUS_ENV, "auto")
        if str(wanted).lower() == "auto":
            return 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
        return float(wanted)

    def _data_ref(self, settings: TrainSettings):
        """The dataset's object in the store: put once per dataset, then shared by every run
        (Ray copies it to a node once, for all the runs there)."""
        key = "fixed" if self.data is not None else (settings.dataset, settings.val_size)
        with self._put_lock:  # runs started together wait for one put, not one each
            ref = self._data_refs.get(key)
            if ref is None:
                if self.data is not None:
                    data = self.data
                else:
                    from cnn_core.train.pipeline import load_data

                    data = load_data(settings)
                ref = self._data_refs[key] = ray.put(data)
                self.data_puts += 1
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
        from cnn_core.train.local import check_start

        tags = check_start(spec, settings, owner=owner, tags=tags)
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
        relay = None
        try:
            try:
                relay = self.connect()
                data = self._data_ref(settings)
                options = {"num_cpus": self.cpus, "num_gpus": self._gpus()}
                task_ref = task_function().options(**options).remote(
                    relay, handle.run_id, handle._state.epochs, metrics, self.cpus,
                    spec.to_dict(), settings.to_dict(), data, resume, checkpoint, self.run_seconds,
                )  # fmt: skip
            except BaseException as exc:
                key, args = _start_failure(exc, settings, self.address)
                control.finish("failed", key, args, details=repr(exc))
                return
            self._watch(handle, control, relay, task_ref)
        finally:
            if relay is not None:
                with contextlib.suppress(Exception):
                    relay.close.remote(handle.run_id)
            with self._lock:
                if handle in self._line:
                    self._line.remove(handle)
            self._renumber()

    def _watch(self, handle: RayRunHandle, control: _DriverControl, relay, task_ref) -> None:
        died = _ray_errors()
        replay = Replay(control)
        cursor, placed, asked_stop, task_done = 0, False, False, False
        while True:
            if not placed and handle.stop_requested and not asked_stop:
                ray.cancel(task_ref)  # still in line: Ray drops it before it runs
            if handle.stop_requested and not asked_stop:
                relay.stop.remote(handle.run_id)  # in case it had just started
                asked_stop = True
            # Whether the task has ended is checked BEFORE taking the news, so that news taken
            # after its end holds its last events.
            task_done = task_done or bool(ray.wait([task_ref], timeout=0)[0])
            try:
                events, where = ray.get(relay.take.remote(handle.run_id, cursor), timeout=60)
            except ray.exceptions.GetTimeoutError:
                continue  # a very busy machine: ask again
            except Exception as exc:  # the relay (this driver's mailbox) is gone
                self._relay = None
                self._interrupted(handle, control, f"relay: {type(exc).__name__}")
                return
            if where is not None and not placed:
                placed = True
                handle.where = where
                handle._state.update(queue_position=None, status="queued", eta_s=None)
                handle._state.update(message_key="train.msg.loading_data", message_args={})
                self._renumber()
            replay.apply_all(events)
            if replay.stop_seen_step is not None:
                handle.stop_seen_step = replay.stop_seen_step
            cursor += len(events)
            if replay.finished:
                return
            if not placed:
                self._renumber()  # the wait shrinks as the runs ahead train
            if task_done:
                self._ended_without_finish(handle, control, task_ref, died)
                return
            ray.wait([task_ref], timeout=POLL_S)

    def _ended_without_finish(self, handle, control, task_ref, died) -> None:
        """The task ended and its last events are in, but no ``finish`` among them."""
        try:
            ray.get(task_ref)
        except died as exc:  # its worker process or node died mid-run
            self._interrupted(handle, control, type(exc).__name__)
            return
        except ray.exceptions.TaskCancelledError:
            self._end_unplaced(handle, control)
            return
        except Exception as exc:  # the task could not even begin (say, the data did not arrive)
            key, args = failure_message(exc, TrainSettings())
            control.finish("failed", key, args, details=repr(exc))
            return
        control.finish("failed", "train.error.unexpected", {"kind": "RayTask"})

    def _interrupted(self, handle: RayRunHandle, control: _DriverControl, detail: str) -> None:
        """The worker's process or node died: the run ends ``interrupted``, its last saved epoch
        kept (Continue picks up from it)."""
        key, args = lost_message("cluster.msg.worker_lost", handle.path)
        control.finish("interrupted", key, args, details=f"ray: {detail}")

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
        snaps = [h.snapshot() for h in line]
        left = sorted(s.eta_s for s in snaps if s.status != "waiting" and s.eta_s is not None)
        position = 0
        for handle, snap in zip(line, snaps, strict=True):
            if snap.status != "waiting":
                continue
            position += 1
            state = handle._state
            with state.lock:  # only if it is still waiting: its place may have come meanwhile
                if state.status == "waiting":
                    state.queue_position = position
                    state.eta_s = _wait_estimate(position - 1, left)
                    state.message_key = "cluster.msg.waiting"
                    state.message_args = {"position": position}

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
