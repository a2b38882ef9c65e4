"""The relay between a far training loop and the run store: no event lost or doubled when a push
fails, including a push whose answer is lost although it arrived (a timeout on the network)."""

from __future__ import annotations

import pytest

from cnn_core.train.ray_actor import Relay
from cnn_core.train.relay import Pusher, TaskControl, far_state


class _FlakyPusher(Pusher):
    """Sends to an in-process :class:`Relay`; the pushes numbered in ``arrive_then_fail`` reach it
    and then fail (the answer lost), those in ``fail_before`` fail before reaching it."""

    def __init__(self, relay: Relay, control: TaskControl, arrive_then_fail=(), fail_before=()):
        super().__init__("run", control)
        self.relay = relay
        self.calls = 0
        self.arrive_then_fail, self.fail_before = set(arrive_then_fail), set(fail_before)

    def send(self, events: list, first: int) -> None:
        self.calls += 1
        if self.calls in self.fail_before:
            raise TimeoutError("never arrived")
        self.relay.push("run", events, None, first)
        if self.calls in self.arrive_then_fail:
            raise TimeoutError("arrived, answer lost")


def _control() -> TaskControl:
    return TaskControl(far_state("run", 2, None), None, None)


def _drain(relay: Relay) -> list:
    events, _ = relay.take("run", 0)
    return events


def test_a_push_whose_answer_was_lost_is_not_delivered_twice():
    relay, control = Relay(), _control()
    pusher = _FlakyPusher(relay, control, arrive_then_fail={2})
    control.log_batch(1, 2.0, 0.1)
    pusher.push()  # 1: fine
    control.log_batch(2, 1.9, 0.2)
    with pytest.raises(TimeoutError):
        pusher.push()  # 2: arrived, but the pusher cannot know
    control.log_batch(3, 1.8, 0.3)
    pusher.push()  # 3: sends batch 2 again with batch 3
    steps = [event[1] for event in _drain(relay)]
    assert steps == [1, 2, 3]


def test_a_push_that_never_arrived_is_sent_again():
    relay, control = Relay(), _control()
    pusher = _FlakyPusher(relay, control, fail_before={1})
    control.log_batch(1, 2.0, 0.1)
    with pytest.raises(TimeoutError):
        pusher.push()
    assert _drain(relay) == []
    control.log_batch(2, 1.9, 0.2)
    pusher.push()
    assert [event[1] for event in _drain(relay)] == [1, 2]
    assert pusher.sent == 2


def test_the_relay_counts_what_the_driver_already_took():
    """Events the driver took (and the relay dropped) still count when a push is repeated."""
    relay = Relay()
    relay.push("run", [("batch", 1, 2.0, 0.1), ("batch", 2, 1.9, 0.2)], None, 0)
    events, _ = relay.take("run", 0)
    assert len(events) == 2
    relay.take("run", 2)  # delivered: dropped from the relay
    # The same two again (a retry) plus a new one: only the new one is kept.
    relay.push(
        "run", [("batch", 1, 2.0, 0.1), ("batch", 2, 1.9, 0.2), ("batch", 3, 1.8, 0.3)], None, 0
    )
    events, _ = relay.take("run", 2)
    assert [event[1] for event in events] == [3]


def test_the_default_pusher_lets_a_failure_through():
    """A pipe (the child-process backend) does not fail and pass: the thread ends with it."""

    class Broken(Pusher):
        def send(self, events, first):
            raise OSError("pipe closed")

    with pytest.raises(OSError):
        Broken("run", _control()).push_failed(OSError("pipe closed"))


@pytest.mark.parametrize("key", ["train.msg.process_lost", "cluster.msg.worker_lost"])
def test_a_lost_run_says_whether_it_kept_weights(tmp_path, key):
    """Died in its first epoch: no "weights of epoch 0 kept, you can continue"."""
    from cnn_core import locales, runs
    from cnn_core.train.relay import lost_message

    early_key, args = lost_message(key, tmp_path)  # no metrics at all yet
    assert (early_key, args) == (f"{key}_early", {"epoch": 0})
    log = [{"epoch": 1}, {"epoch": 2}, {"epoch": 3, "partial": True}]
    runs.write_json(tmp_path / "metrics.json", {"epoch_log": log})
    assert lost_message(key, tmp_path) == (key, {"epoch": 2})
    for lang in ("pt", "en"):
        assert "2" in locales.t(key, lang, epoch=2)
        assert locales.t(early_key, lang, epoch=0) != locales.t(key, lang, epoch=0)
