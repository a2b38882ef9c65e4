"""The training threads yield to drawing: real nice values of real threads."""

from __future__ import annotations

import os
import threading

import pytest

from cnn_core.priority import lower_training_priority, thread_niceness

pytestmark = pytest.mark.skipif(not hasattr(os, "setpriority"), reason="Linux only")


def _in_thread(fn):
    result = {}

    def body():
        result["tid"] = threading.get_native_id()
        result["value"] = fn()
        result["after"] = thread_niceness(result["tid"])

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    return result


def test_lowers_the_calling_thread_only():
    main_before = thread_niceness(threading.get_native_id())
    # A new thread starts at its creator's value (an earlier test may have lowered this one).
    target = min(main_before + 3, 19)
    result = _in_thread(lambda: lower_training_priority(target))
    assert result["value"] >= 1
    assert result["after"] == target
    # The thread that draws pages keeps its priority.
    assert thread_niceness(threading.get_native_id()) == main_before


def test_lowers_tensorflow_pools():
    tf = pytest.importorskip("tensorflow")
    tf.linalg.matmul(tf.ones((64, 64)), tf.ones((64, 64)))  # starts TF's compute threads
    _in_thread(lambda: lower_training_priority(5))
    names = {}
    for entry in os.scandir("/proc/self/task"):
        with open(os.path.join(entry.path, "comm")) as f:
            names[int(entry.name)] = f.read().strip()
    tf_threads = [tid for tid, name in names.items() if name.startswith("tf_")]
    assert tf_threads, "TensorFlow started no tf_* threads"
    assert all(thread_niceness(tid) >= 5 for tid in tf_threads)


def test_zero_turns_it_off():
    result = _in_thread(lambda: lower_training_priority(0))
    assert result["value"] == 0
    assert result["after"] == thread_niceness(threading.get_native_id())
