"""Drawing before training: lower the OS priority of the threads that train.

On a small shared server the Streamlit process both trains and draws pages. Linux schedules threads
one by one, so giving the training threads (the engine's worker thread and TensorFlow's own thread
pools, named ``tf_*``) a higher *nice* value lets a visitor's page draw first, while training
still gets every cycle nobody else wants: on an idle host it costs training nothing.

A thread can only be made nicer, never less nice, without privileges; TensorFlow's pools are
shared by the whole process, so once lowered they stay lowered (predictions on the Classify page
then also yield to drawing, which is the order a learner wants).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["TRAINING_NICENESS", "lower_training_priority", "process_threads", "thread_niceness"]

# 10 of 19: a page's script thread (nice 0) gets about 10x the CPU share of a training thread.
TRAINING_NICENESS = int(os.environ.get("CNN_STUDIO_TRAIN_NICE", "10"))
_TASKS = Path("/proc/self/task")


def process_threads() -> list[int]:
    """The native ids of every thread of this process (empty where ``/proc`` is missing)."""
    try:
        return [int(entry.name) for entry in _TASKS.iterdir()]
    except OSError:  # not Linux: nothing to do
        return []


def _tensorflow_threads() -> list[int]:
    found = []
    for tid in process_threads():
        try:
            name = (_TASKS / str(tid) / "comm").read_text().strip()
        except OSError:
            continue
        if name.startswith("tf_"):
            found.append(tid)
    return found


def thread_niceness(tid: int) -> int:
    """Returns the nice value of thread ``tid`` of this process."""
    return os.getpriority(os.PRIO_PROCESS, tid)


def lower_training_priority(niceness: int | None = None, *, extra_tids=()) -> int:
    """Makes the calling thread and TensorFlow's threads nicer (lower priority).

    Call it from the training thread when training starts and again after the first batches
    (TensorFlow creates some pools lazily). Threads already at or above ``niceness`` are left.

    Args:
        niceness: the nice value to reach; ``CNN_STUDIO_TRAIN_NICE`` (default 10) when ``None``;
            0 turns the feature off.
        extra_tids: more native thread ids to lower.

    Returns:
        How many threads were lowered by this call.
    """
    target = TRAINING_NICENESS if niceness is None else niceness
    if target <= 0 or not hasattr(os, "setpriority"):
        return 0
    tids = {threading.get_native_id(), *_tensorflow_threads(), *extra_tids}
    lowered = 0
    for tid in tids:
        try:
            if thread_niceness(tid) < target:
                os.setpriority(os.PRIO_PROCESS, tid, target)
                lowered += 1
        except OSError:  # the thread ended meanwhile, or the platform refuses: drawing still works
            continue
    return lowered
