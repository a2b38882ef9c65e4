"""A fake training engine for the Train and Evaluate page tests. TEST-ONLY.

:data:`ENGINE` implements :class:`cnn_core.train.engine.Engine` (tests/unit/test_engine.py checks
its methods against the Protocol's signatures) but has no thread and no TensorFlow in training: a
run moves forward only when the test calls :func:`advance`, so a test decides exactly what the
page sees on its next run. The pages get it from ``cnn_core.train.get_engine()`` when
``CNN_STUDIO_FAKE_ENGINE`` names it (:data:`MODULE`). Only :func:`load_run_model` builds a (tiny,
real) Keras model, so the Evaluate page can be checked against ``cnn_core.evaluate``.

The engine's methods call this module's functions by name at call time, so a test can
``monkeypatch.setattr(fake_engine, "list_runs", ...)``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

# The real settings, busy error and run record (no TensorFlow imported): the fake cannot drift
# from what the pages get from the real engine.
from cnn_core import runs as _runs
from cnn_core.runs import RunNotFoundError
from cnn_core.spec import ModelSpec
from cnn_core.train import QueueEntry, Snapshot, TrainingBusyError, TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES

MODULE = f"{__name__}:ENGINE"

BATCHES_PER_EPOCH = 4
# Like the real engine's early validation: a sample of the validation set between epoch ends.
VAL_EVERY = 2
VAL_SAMPLE = 500
_LOCK = threading.Lock()
_RUNS: dict[str, _Run] = {}
_COUNTER = [0]
# Set by a test: another visitor holds the training slot, so start_training raises.
busy = False
# What the next started run does once it runs: "normal", "diverge", "fail", "time_up" (ends
# when its time budget is used, mid-epoch, like the real engine's quick demo) or "capped" (the
# host's cap on one run ends it after 3 batches, its test scored on a subsample).
script = "normal"
# Like the real engine: a run stopped mid-epoch logs that epoch with ``partial: True``.
log_partial = False
# The fake clock: elapsed seconds = batches done x this.
seconds_per_batch = 1.0
# Set by a test: runs ahead in line, so the next started run waits ("waiting", this place, this
# estimated wait) until the test calls let_in() as often (each call moves the line one place).
waiting_ahead = 0
waiting_eta_s = 90.0
ADVICE = ["train.advice.lower_lr", "train.advice.batchnorm", "train.advice.adam"]
FAIL_KEY = "train.error.memory"  # a real engine key (cnn_core/locales/train.py)


@dataclass(repr=False)
class RunInfo(_runs.RunInfo):
    """The real run record, plus a switch for whether the fake "saved" a model."""

    model_saved: bool = True

    @property
    def has_model(self) -> bool:
        return self.model_saved


@dataclass
class _Run:
    info: RunInfo
    script: str
    epochs: int
    step: int = 0
    batch_log: list = field(default_factory=list)
    stop_requested: bool = False
    message_key: str | None = None
    message_args: dict = field(default_factory=dict)
    position: int | None = None  # place in line while waiting
    val_log: list = field(default_factory=list)  # early validation, every VAL_EVERY batches


class RunHandle:
    """A fake run's handle (the :class:`cnn_core.train.engine.RunHandle` Protocol)."""

    def __init__(self, run: _Run):
        self._run = run
        self.run_id = run.info.run_id
        self.owner = run.info.owner

    def snapshot(self) -> Snapshot:
        run = self._run
        with _LOCK:
            epoch = len(run.info.epoch_log)
            batch = run.step - epoch * BATCHES_PER_EPOCH if run.step else 0
            total = run.epochs * BATCHES_PER_EPOCH
            elapsed = run.step * seconds_per_batch
            progress = run.step / total
            budget = run.info.settings.get("time_budget_s")
            if budget:  # as the engine does: the larger of batches done and time used
                progress = max(progress, elapsed / budget)
            waiting = run.info.status == "waiting"
            return Snapshot(
                run_id=run.info.run_id,
                status=run.info.status,
                message_key=run.message_key,
                message_args=dict(run.message_args),
                epoch=epoch,
                epochs=run.epochs,
                batch=batch,
                batches_per_epoch=BATCHES_PER_EPOCH,
                batch_log=list(run.batch_log),
                epoch_log=list(run.info.epoch_log),
                images_per_second=100.0,
                elapsed_s=elapsed,
                eta_s=waiting_eta_s if waiting else float(total - run.step) * seconds_per_batch,
                progress=min(1.0, progress),
                advice=tuple(ADVICE) if run.info.status == "diverged" else (),
                evaluation=run.info.evaluation,
                tags=dict(run.info.tags),
                queue_position=run.position if waiting else None,
                val_log=list(run.val_log),
            )

    def stop(self) -> None:
        with _LOCK:
            self._run.stop_requested = True
            if self._run.info.status == "running":
                self._run.info.status = "stopping"

    def cancel(self) -> None:
        with _LOCK:
            if self._run.info.status == "waiting":  # leaves the line, as the real engine does
                self._run.info.status = "cancelled"
                self._run.message_key = "queue.msg.cancelled"
                return
        self.stop()


def reset() -> None:
    """Forgets every run (call at the start of each test)."""
    global busy, script, log_partial, seconds_per_batch, waiting_ahead, waiting_eta_s
    with _LOCK:
        _RUNS.clear()
    busy = False
    script = "normal"
    log_partial = False
    seconds_per_batch = 1.0
    waiting_ahead, waiting_eta_s = 0, 90.0


def let_in() -> None:
    """The run ahead ended: every waiting run moves up one place; the first one starts."""
    with _LOCK:
        for run in _RUNS.values():
            if run.info.status == "waiting":
                run.position -= 1
                if run.position <= 0:
                    run.info.status, run.position, run.message_key = "running", None, None


def set_phase(message_key: str) -> None:
    """Puts every active run in a phase of the real engine (e.g. ``train.msg.evaluating``)."""
    with _LOCK:
        for run in _RUNS.values():
            if run.info.status in ACTIVE_STATUSES:
                run.message_key, run.message_args = message_key, {}


def _log_partial(run: _Run, loss: float, acc: float) -> None:
    """Logs the epoch in progress as the real engine does when a run ends inside it."""
    batches = run.step % BATCHES_PER_EPOCH
    if batches:
        run.info.epoch_log.append(
            {
                "epoch": run.step // BATCHES_PER_EPOCH + 1,
                "loss": loss,
                "accuracy": acc,
                "val_loss": loss * 1.1,
                "val_accuracy": acc * 0.9,
                "seconds": 1.0,
                "partial": True,
                "batches": batches,
            }
        )


def _new_run(spec, settings, owner: str, run_id: str | None = None, tags=None) -> _Run:
    _COUNTER[0] += 1
    spec_dict = spec if isinstance(spec, dict) else spec.to_dict()
    settings_dict = settings if isinstance(settings, dict) else settings.to_dict()
    info = RunInfo(
        run_id=run_id or f"run{_COUNTER[0]:03d}",
        owner=owner,
        created=f"2026-11-27T16:{_COUNTER[0]:02d}:00",
        spec=spec_dict,
        settings=settings_dict,
        status="running",
        tags=dict(tags or {}),
    )
    return _Run(info=info, script=script, epochs=int(settings_dict["epochs"]))


def start_training(spec, settings, *, owner, tags=None) -> RunHandle:
    if busy:
        raise TrainingBusyError()
    run = _new_run(spec, settings, owner, tags=tags)
    if waiting_ahead:
        run.info.status, run.position = "waiting", waiting_ahead
        run.message_key = "queue.msg.waiting"
    with _LOCK:
        _RUNS[run.info.run_id] = run
    return RunHandle(run)


def continue_training(run_id, extra_epochs, *, owner) -> RunHandle:
    if busy:
        raise TrainingBusyError()
    run = _RUNS.get(run_id)
    if run is None or run.info.owner != owner:
        raise RunNotFoundError(run_id)
    with _LOCK:
        run.epochs = len(run.info.epoch_log) + int(extra_epochs)
        run.step = len(run.info.epoch_log) * BATCHES_PER_EPOCH
        run.info.status = "running"
        run.stop_requested = False
        run.script = "normal"
    return RunHandle(run)


def _curve(step: int) -> tuple[float, float]:
    return 2.3 / (1 + 0.2 * step), 1 - 0.9 / (1 + 0.1 * step)


def advance(batches: int = 1) -> None:
    """Moves every active run forward by ``batches`` batches (the test's clock)."""
    with _LOCK:
        for run in _RUNS.values():
            for _ in range(batches):
                info = run.info
                if info.status not in ("running", "stopping"):
                    break
                if run.stop_requested:
                    info.status = "stopped"
                    run.message_key = "train.msg.stopped"
                    run.message_args = {"epoch": run.step // BATCHES_PER_EPOCH + 1}
                    if log_partial and run.batch_log:
                        last = run.batch_log[-1]
                        _log_partial(run, last["loss"], last["accuracy"])
                    break
                run.step += 1
                loss, acc = _curve(run.step)
                if run.script == "diverge" and run.step >= 2:
                    loss = math.nan
                run.batch_log.append({"step": run.step, "loss": loss, "accuracy": acc})
                if run.script == "diverge" and run.step >= 2:
                    info.status = "diverged"
                    break
                if run.script == "fail" and run.step >= 2:
                    info.status = "failed"
                    info.model_saved = False  # it failed before saving anything
                    run.message_key = FAIL_KEY
                    break
                if run.step % VAL_EVERY == 0 and run.step % BATCHES_PER_EPOCH:
                    run.val_log.append(
                        {
                            "step": run.step,
                            "images": run.step * int(info.settings.get("batch_size", 32)),
                            "epoch": run.step // BATCHES_PER_EPOCH + 1,
                            "val_loss": loss * 1.15,
                            "val_accuracy": acc * 0.85,
                            "sample": VAL_SAMPLE,
                        }
                    )
                budget = info.settings.get("time_budget_s")
                if run.script == "capped" and run.step >= 3:  # the host's cap ended it
                    _log_partial(run, loss, acc)
                    info.status = "finished"
                    info.evaluation = {"accuracy": acc * 0.88, "loss": loss * 1.2}
                    info.evaluation.update(test_subsample=2500, test_total=10_000)
                    run.message_key = "queue.msg.capped"
                    run.message_args = {"seconds": 600, "epoch": run.step // BATCHES_PER_EPOCH + 1}
                    break
                if run.script == "time_up" and budget and run.step * seconds_per_batch >= budget:
                    _log_partial(run, loss, acc)
                    info.status = "finished"
                    info.evaluation = {"accuracy": acc * 0.88, "loss": loss * 1.2}
                    run.message_key = "train.msg.time_up"
                    run.message_args = {"seconds": round(budget)}
                    break
                if run.step % BATCHES_PER_EPOCH == 0:
                    epoch = run.step // BATCHES_PER_EPOCH
                    info.epoch_log.append(
                        {
                            "epoch": epoch,
                            "loss": loss,
                            "accuracy": acc,
                            "val_loss": loss * 1.1,
                            "val_accuracy": acc * 0.9,
                            "seconds": 1.0,
                        }
                    )
                    if epoch >= run.epochs:
                        info.status = "finished"
                        info.evaluation = {"accuracy": acc * 0.88, "loss": loss * 1.2}
                        break


def current_run(owner) -> RunHandle | None:
    with _LOCK:
        mine = [r for r in _RUNS.values() if r.info.owner == owner]
    if not mine:
        return None
    return RunHandle(max(mine, key=lambda r: r.info.created))


def list_runs(owner) -> list[RunInfo]:
    with _LOCK:
        mine = [r.info for r in _RUNS.values() if r.info.owner == owner]
    return sorted(mine, key=lambda i: i.created, reverse=True)


def load_run(run_id, owner) -> RunInfo:
    run = _RUNS.get(run_id)
    if run is None or run.info.owner != owner:
        raise RunNotFoundError(run_id)
    return run.info


def delete_run(run_id, owner) -> None:
    load_run(run_id, owner)
    with _LOCK:
        del _RUNS[run_id]


def add_finished_run(spec, owner: str, *, epochs: int = 2, dataset: str = "cifar10") -> str:
    """Registers a finished run directly (for history and Evaluate tests); returns its id."""
    settings = TrainSettings(dataset=dataset, epochs=epochs, batch_size=32).to_dict()
    run = _new_run(spec, settings, owner)
    with _LOCK:
        _RUNS[run.info.run_id] = run
    advance(epochs * BATCHES_PER_EPOCH)
    return run.info.run_id


def load_run_model(run_id, owner):
    """A tiny real Keras model built from the run's spec with fixed weights (seeded)."""
    import keras

    from cnn_core.model import build_model
    from cnn_core.spec import ModelSpec

    info = load_run(run_id, owner)
    keras.utils.set_random_seed(1234)
    return build_model(ModelSpec.from_dict(info.spec))


def quick_demo_settings() -> TrainSettings:
    """A one-epoch quick demo (tests put it in place of the real one): 4 fake batches."""
    return TrainSettings(epochs=1, train_size=3000, time_budget_s=30)


def queue() -> list[QueueEntry]:
    with _LOCK:
        active = [r for r in _RUNS.values() if r.info.status in ACTIVE_STATUSES]
    return [
        QueueEntry(run_id=r.info.run_id, owner=r.info.owner, status=r.info.status, tags=r.info.tags)
        for r in active
    ]


class FakeEngine:
    """The fake as an :class:`cnn_core.train.engine.Engine`; each method looks the module's
    function up when called (so tests can monkeypatch them)."""

    def start(
        self,
        spec: ModelSpec,
        settings: TrainSettings,
        *,
        owner: str,
        tags: dict[str, str] | None = None,
    ) -> RunHandle:
        return globals()["start_training"](spec, settings, owner=owner, tags=tags)

    def attach(self, owner: str) -> RunHandle | None:
        return globals()["current_run"](owner)

    def list_runs(self, owner: str) -> list[RunInfo]:
        return globals()["list_runs"](owner)

    def load_run(self, run_id: str, owner: str) -> RunInfo:
        return globals()["load_run"](run_id, owner)

    def load_model(self, run_id: str, owner: str):
        return globals()["load_run_model"](run_id, owner)

    def continue_run(self, run_id: str, extra_epochs: int, *, owner: str) -> RunHandle:
        return globals()["continue_training"](run_id, extra_epochs, owner=owner)

    def delete_run(self, run_id: str, owner: str) -> None:
        globals()["delete_run"](run_id, owner)

    def queue(self) -> list[QueueEntry]:
        return globals()["queue"]()


ENGINE = FakeEngine()
