"""The training loop: one run from data to test score, against a :class:`RunControl`.

:func:`run_training` loads the data, builds (or reloads) the model, trains it with ``model.fit``
and a callback that reports every batch, validates and saves after every epoch, and finally scores
the test set. It never raises: however the run ends (finished, stopped, time up, diverged, failed),
it ends through ``control.finish``. It runs the same in a local thread or in a remote actor.
"""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from cnn_core.priority import lower_training_priority
from cnn_core.spec import ModelSpec, SpecError
from cnn_core.train.cap import Deadline, capped_test, predict_until, reserve_for_test_s
from cnn_core.train.control import RunControl
from cnn_core.train.errors import FailWith, SettingsError
from cnn_core.train.optimizers import compile_model, learning_rate_at
from cnn_core.train.pipeline import SizeClock, half_size, load_data, make_dataset, subset
from cnn_core.train.precision import build_for_training, resolve_precision
from cnn_core.train.recipes import (
    SETTLE_BATCHES,
    any_size_twin,
    settle_batchnorm,
    whiten_first_layer,
)
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import DIVERGE_ADVICE

__all__ = ["LoopState", "Resume", "failure_message", "run_training"]

# Small enough that a wide first layer (the blog's 128 filters at 32x32) stays ~50 MB per batch.
VAL_BATCH = 100
# Batches whose speed is averaged for images per second.
SPEED_WINDOW = 30
# Early validation: a fixed sample of the validation split is scored between epochs, so the
# validation curve appears within seconds even when a run never finishes an epoch. It runs when
# the training time since the last one reaches EARLY_VAL_EVERY_S and 1/EARLY_VAL_SHARE times what
# the last one cost (so it takes under 5% of training); the full set is still scored at epoch ends.
EARLY_VAL_IMAGES = 500
EARLY_VAL_EVERY_S = 3.0
EARLY_VAL_SHARE = 0.05
# Points kept in the val_log (older ones thinned out, as the batch log does).
MAX_VAL_POINTS = 300


@dataclass(frozen=True)
class Resume:
    """Where a continued run picks up.

    Attributes:
        initial_epoch: full epochs already trained.
        extra_epochs: how many more to train.
    """

    initial_epoch: int
    extra_epochs: int


@dataclass
class LoopState:
    """What the training callback keeps between batches and epochs (one run).

    Fixed for the run: ``steps`` (batches per epoch), ``epochs`` (the last epoch, counted from
    the run's start), ``n_train``, ``first_step`` (steps done before this session of training),
    the validation images, ``explode_at`` (a loss this big means divergence), ``elapsed_before``
    (seconds trained before a continue), the half-size ``clock``, the host's ``deadline`` and,
    under it, ``cap`` (a :class:`~cnn_core.train.cap.Deadline`) and ``n_test`` (test images, whose
    pass training leaves time for).
    """

    steps: int
    epochs: int
    n_train: int
    first_step: int
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    explode_at: float
    elapsed_before: float = 0.0
    clock: SizeClock = field(default_factory=SizeClock)
    deadline: float | None = None
    cap: Deadline = field(default_factory=lambda: Deadline(None))
    n_test: int = 0
    # Changing as the run trains.
    t0: float = 0.0
    epoch: int = 0
    epoch_t0: float = 0.0
    batch: int = 0
    window: list = field(default_factory=list)
    val_seconds: float = 0.0
    val_seconds_per_epoch: float = 0.0
    time_up: bool = False
    capped: bool = False
    diverged: dict | None = None
    x_val_half: np.ndarray | None = None
    any_size: object = None
    # Forward-pass seconds per image, from the last validation (or guessed from training speed).
    forward_s: float | None = None
    measured_forward: bool = False
    # Early validation (see EARLY_VAL_*): the sample, when the last one ended, what it cost.
    early_val: tuple | None = None
    early_val_half: np.ndarray | None = None
    early_val_after: float = 0.0
    early_val_cost: float = 0.0
    val_log: list = field(default_factory=list)

    def test_reserve(self) -> float:
        """Seconds to keep for the final test under the cap (0 without one)."""
        return reserve_for_test_s(self.n_test, self.forward_s, self.cap.max_run_s)

    def early_val_due(self, train_s: float) -> bool:
        """Whether enough training passed since the last early validation (see EARLY_VAL_*)."""
        if self.early_val is None or self.capped or self.time_up:
            return False
        wait = max(EARLY_VAL_EVERY_S, self.early_val_cost / EARLY_VAL_SHARE)
        if train_s - self.early_val_after < wait:
            return False
        # Under the host's cap, never at the final test's expense.
        return not self.cap.capped or self.cap.left() - self.test_reserve() > 10 * wait


def _early_sample(x_val, y_val, seed: int) -> tuple | None:
    """A fixed random sample of the validation images (the same for the whole run)."""
    if x_val is None or not len(x_val):
        return None
    n = min(EARLY_VAL_IMAGES, len(x_val))
    pick = np.sort(np.random.default_rng(seed).choice(len(x_val), n, replace=False))
    return x_val[pick], np.asarray(y_val).reshape(-1)[pick]


def _early_validation(model, loop: LoopState, control: RunControl, step: int, images: int):
    """Scores the early-validation sample and reports the point in ``val_log``."""
    from cnn_core.evaluate import evaluate_probs, predict_probs

    x, y = loop.early_val
    judge, half = model, False
    if loop.clock.small:  # on half-size images still: judged as at epoch ends
        if loop.early_val_half is None:
            loop.early_val_half = half_size(x)
        if loop.any_size is None:
            loop.any_size = any_size_twin(model)
        x, judge, half = loop.early_val_half, loop.any_size, True
    probs = predict_probs(judge, x, batch_size=VAL_BATCH)
    ev = evaluate_probs(probs, y, num_classes=probs.shape[1])
    point = {
        "step": step,
        "images": images,
        "epoch": loop.epoch + 1,
        "val_loss": ev.loss,
        "val_accuracy": ev.accuracy,
        "sample": len(y),
    }
    if half:
        point["half_size"] = True
    loop.val_log.append(point)
    if len(loop.val_log) > MAX_VAL_POINTS:
        loop.val_log = loop.val_log[::2]
    control.report(val_log=list(loop.val_log))


def _make_callback(control: RunControl, settings: TrainSettings, loop: LoopState):
    import keras

    class EngineCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            # Pages drawn for other visitors come first (TensorFlow's pools exist by now).
            lower_training_priority()
            now = time.perf_counter()
            loop.t0 = now
            loop.window = []
            loop.val_seconds = 0.0
            control.report(t_start=now - loop.elapsed_before, status="running")

        def on_epoch_begin(self, epoch, logs=None):
            loop.epoch = epoch
            loop.batch = 0
            loop.epoch_t0 = time.perf_counter()
            loop.window = [(loop.epoch_t0, 0)]
            control.report(
                epoch=epoch + 1,
                batch=0,
                message_key="train.msg.training",
                message_args={"epoch": epoch + 1, "epochs": loop.epochs},
            )

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            logs = logs or {}
            loss = float(logs.get("loss", float("nan")))
            acc = float(logs.get("accuracy", float("nan")))
            step = loop.epoch * loop.steps + batch + 1
            loop.batch = batch + 1
            if step == loop.first_step + 3:  # tf.data starts its threads with the first batches
                lower_training_priority()
            done_images = min((batch + 1) * settings.batch_size, loop.n_train)
            window = loop.window
            window.append((now, done_images))
            if len(window) > SPEED_WINDOW:
                del window[0]
            span = window[-1][0] - window[0][0]
            speed = (window[-1][1] - window[0][1]) / span if span > 0 else 0.0
            total_steps = loop.epochs * loop.steps
            done_steps = step - loop.first_step
            left_steps = total_steps - step
            train_time = now - loop.t0 - loop.val_seconds
            eta = None
            if done_steps > 0:
                eta = train_time / done_steps * left_steps
                eta += loop.val_seconds_per_epoch * (loop.epochs - loop.epoch)
            # A continued run restarts the schedule over its extra epochs (a warm restart).
            fraction = done_steps / max(total_steps - loop.first_step, 1)
            budget = settings.time_budget_s
            if budget:
                used = now - loop.t0
                fraction = max(fraction, used / budget)
                loop.clock.time_fraction = used / budget
                left = max(budget - used, 0.0)
                eta = left if eta is None else min(eta, left)
                if used >= budget:
                    loop.time_up = True
                    self.model.stop_training = True
            if loop.cap.capped:
                if speed > 0 and not loop.measured_forward:
                    # A forward pass costs about a third of a training step.
                    loop.forward_s = 1.0 / (3.0 * speed)
                used = now - loop.t0
                left = loop.cap.left() - loop.test_reserve()
                if left <= 0:
                    loop.capped = True
                    self.model.stop_training = True
                # Where the cap ends training first, it is the time budget: the learning rate
                # (and a half-size start) still run their course.
                capped_fraction = used / max(used + max(left, 0.0), 1e-9)
                if capped_fraction > fraction:
                    fraction = capped_fraction
                    loop.clock.time_fraction = max(loop.clock.time_fraction, capped_fraction)
                eta = max(left, 0.0) if eta is None else min(eta, max(left, 0.0))
            if settings.schedule != "constant":
                self.model.optimizer.learning_rate = learning_rate_at(settings, fraction)
            control.report(
                batch=batch + 1, images_per_second=speed, eta_s=eta, progress=min(fraction, 1.0)
            )
            control.log_batch(step, loss, acc)
            if not math.isfinite(loss) or loss > loop.explode_at:
                loop.diverged = {"epoch": loop.epoch + 1, "batch": batch + 1}
                self.model.stop_training = True
            elif control.should_stop():
                self.model.stop_training = True
            last_of_epoch = batch + 1 >= loop.steps  # the full validation comes next
            if (
                not self.model.stop_training
                and not last_of_epoch
                and loop.early_val_due(train_time)
            ):
                t_val = time.perf_counter()
                images = step * settings.batch_size
                _early_validation(self.model, loop, control, step, images)
                done = time.perf_counter()
                loop.early_val_cost = done - t_val
                loop.val_seconds += loop.early_val_cost
                loop.early_val_after = done - loop.t0 - loop.val_seconds
                loop.window = [(done, done_images)]  # its time is not training speed

        def on_epoch_end(self, epoch, logs=None):
            if loop.diverged:
                return
            logs = logs or {}
            t_val = time.perf_counter()
            control.report(message_key="train.msg.validating", message_args={})
            entry = {
                "epoch": epoch + 1,
                "loss": float(logs.get("loss", float("nan"))),
                "accuracy": float(logs.get("accuracy", float("nan"))),
                "val_loss": None,
                "val_accuracy": None,
                "seconds": round(t_val - loop.epoch_t0, 3),
                "partial": bool(loop.batch < loop.steps),
                "batches": int(loop.batch),
            }
            # Capped: the time left is the final test's.
            if loop.x_val is not None and len(loop.x_val) and not loop.capped:
                from cnn_core.evaluate import evaluate_probs

                x_val, judge = loop.x_val, self.model
                if loop.clock.small:
                    # Still on half-size images: full-size ones would be judged with statistics
                    # (BatchNormalization's) the network has not met yet, and the curve would dip.
                    if loop.x_val_half is None:
                        loop.x_val_half = half_size(x_val)
                        loop.any_size = any_size_twin(self.model)
                    x_val, judge = loop.x_val_half, loop.any_size
                    entry["half_size"] = True
                # In chunks that check the cap: a late validation must not eat the test's time.
                probs, done = predict_until(
                    judge,
                    x_val,
                    np.arange(len(x_val)),
                    loop.cap,
                    batch_size=VAL_BATCH,
                    minimum=0,
                    reserve_s=loop.test_reserve(),
                )
                if len(done):
                    loop.forward_s = (time.perf_counter() - t_val) / len(done)
                    loop.measured_forward = True
                    ev = evaluate_probs(probs, loop.y_val[done], num_classes=probs.shape[1])
                    entry["val_loss"], entry["val_accuracy"] = ev.loss, ev.accuracy
                if len(done) < len(x_val):
                    entry["val_images"] = len(done)
                    loop.capped = True
                    self.model.stop_training = True
            control.log_epoch(entry)
            control.save_checkpoint(self.model, control.metrics())
            spent = time.perf_counter() - t_val
            loop.val_seconds += spent
            loop.val_seconds_per_epoch = spent

    return EngineCallback()


class _Stopped(Exception):
    """Stop was pressed before training began."""


def _check_shapes(spec: ModelSpec, data) -> None:
    expected = tuple(spec.input_shape)
    actual = tuple(data.x_train.shape[1:])
    if expected != actual:
        raise FailWith("train.error.shape", expected=str(expected), actual=str(actual))


def failure_message(exc: BaseException, settings: TrainSettings) -> tuple[str, dict]:
    """The catalog key and arguments that tell a learner why a run failed.

    Args:
        exc: what was raised.
        settings: the run's settings.

    Returns:
        ``(key, args)``.
    """
    from cnn_core.data import DataUnavailableError

    if isinstance(exc, FailWith):
        return exc.key, exc.args_dict
    # Errors that carry their own catalog message (a full disk in the run store, ...).
    if getattr(exc, "message_key", None):
        return exc.message_key, dict(getattr(exc, "message_args", None) or {})
    if isinstance(exc, DataUnavailableError):
        return "train.error.data", {"dataset": settings.dataset}
    if isinstance(exc, SpecError):
        return "train.error.spec", {}
    if isinstance(exc, SettingsError):
        return exc.key, exc.args_dict
    if isinstance(exc, MemoryError) or "ResourceExhausted" in type(exc).__name__:
        return "train.error.memory", {}
    return "train.error.unexpected", {"kind": type(exc).__name__}


def _evaluate_and_store(control: RunControl, model, data, loop: LoopState, seed: int) -> None:
    """Scores the test set, within the cap: a random subsample when the whole would not fit
    (``evaluation["test_subsample"]`` then says how many of ``test_total`` images)."""
    ev, scored = capped_test(
        model,
        data.x_test,
        np.asarray(data.y_test).reshape(-1),
        loop.cap,
        seconds_per_image=loop.forward_s,
        batch_size=VAL_BATCH,
        seed=seed,
    )
    result = ev.to_dict()
    if scored is not None:
        result["test_subsample"] = len(scored)
        result["test_total"] = len(data.x_test)
    control.save_evaluation(result, ev.probs.astype(np.float16))


def run_training(
    spec: ModelSpec,
    settings: TrainSettings,
    control: RunControl,
    *,
    data=None,
    resume: Resume | None = None,
) -> None:
    """Trains one run to its end, reporting through ``control``; never raises.

    Args:
        spec: the model design (already checked).
        settings: how to train (for a continued run: without time budget or half-size start).
        control: the backend's :class:`RunControl`.
        data: a dataset object (``x_train``, ``y_train``, ``x_val``, ``y_val``, ``x_test``,
            ``y_test``); loaded with :func:`cnn_core.data.load_dataset` when ``None``.
        resume: for a continued run, where to pick up (the model comes from
            ``control.load_checkpoint()``).
    """
    # The host's cap counts from here: loading and building are part of holding the slot.
    cap = Deadline.at(control.deadline())
    try:
        lower_training_priority()
        if data is None:
            data = load_data(settings)
        _check_shapes(spec, data)
        if control.should_stop():
            raise _Stopped
        control.report(message_key="train.msg.building", message_args={})
        import keras

        x, y = subset(data, settings)
        precision = resolve_precision(spec, settings)
        if resume is not None:
            model = control.load_checkpoint()
            initial_epoch = resume.initial_epoch
            epochs = initial_epoch + resume.extra_epochs
        else:
            keras.utils.set_random_seed(settings.seed)
            model = build_for_training(spec, precision)
            if settings.whiten:
                control.report(message_key="train.msg.whitening", message_args={})
                whiten_first_layer(model, spec, x)
            compile_model(model, settings)
            initial_epoch, epochs = 0, settings.epochs
        clock = SizeClock()
        ds, steps = make_dataset(x, y, settings, spec.num_classes, initial_epoch, clock)
        before = control.snapshot().epoch_log
        loop = LoopState(
            steps=steps,
            epochs=epochs,
            n_train=len(x),
            first_step=initial_epoch * steps,
            x_val=data.x_val,
            y_val=np.asarray(data.y_val).reshape(-1),
            # Guessing uniformly costs ln(classes); Keras computes the loss from the logits, so
            # an exploding model reports huge finite losses long before NaN.
            explode_at=50 * math.log(max(spec.num_classes, 2)),
            elapsed_before=sum(e.get("seconds", 0) for e in before),
            clock=clock,
            deadline=control.deadline(),
            cap=cap,
            n_test=len(data.x_test),
            early_val=_early_sample(data.x_val, data.y_val, settings.seed),
            val_log=list(getattr(control.snapshot(), "val_log", None) or []),
        )
        control.report(batches_per_epoch=steps, epochs=epochs, epoch=initial_epoch)
        control.started(precision)
        if control.should_stop():
            raise _Stopped
        model.fit(
            ds,
            steps_per_epoch=steps,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=[_make_callback(control, settings, loop)],
            shuffle=False,  # batches() shuffles, reproducibly
            verbose=0,
        )
        control.report(t_end=time.perf_counter())
        if loop.diverged:
            control.save_checkpoint(None, control.metrics())
            control.finish("diverged", "train.msg.diverged", loop.diverged, advice=DIVERGE_ADVICE)
            return
        few_full = settings.low_res > 0 and loop.clock.full_batches < SETTLE_BATCHES
        if few_full and settle_batchnorm(
            model, x, batch_size=settings.batch_size, seed=settings.seed
        ):
            control.save_checkpoint(model, control.metrics())
        control.report(message_key="train.msg.evaluating", message_args={}, eta_s=None)
        _evaluate_and_store(control, model, data, loop, settings.seed)
        epoch = control.snapshot().epoch
        if loop.time_up:
            status, key = "finished", "train.msg.time_up"
            args = {"seconds": round(settings.time_budget_s)}
        elif control.should_stop():
            status, key, args = "stopped", "train.msg.stopped", {"epoch": epoch}
        elif loop.capped:
            # The host's cap ended it: a normal end (the weights and a test score are kept).
            seconds = round(loop.cap.max_run_s or 0)
            status, key, args = "finished", "queue.msg.capped", {"seconds": seconds, "epoch": epoch}
        else:
            status, key, args = "finished", "train.msg.finished", {"epochs": epochs}
        control.finish(status, key, args)
    except _Stopped:
        control.finish("stopped", "train.msg.stopped", {"epoch": control.snapshot().epoch})
    except BaseException as exc:  # a learner's run must end readably, whatever happened
        key, args = failure_message(exc, settings)
        control.finish("failed", key, args, details=traceback.format_exc())
