"""Job events reach the listeners of that job through one subscription per process."""
from __future__ import annotations

import redis

from app.events import PROGRESS, JobEvents
from tests.conftest import TEST_REDIS


def _events() -> JobEvents:
    return JobEvents(redis.Redis.from_url(TEST_REDIS))


def test_a_listener_hears_its_jobs_in_order_and_no_other():
    events = _events()
    with events.listen("job-a") as a, events.listen("job-b") as b:
        events.publish("job-a", "running")
        events.publish("job-b", PROGRESS)
        events.publish("job-a", "success")
        assert [a.next(2), a.next(2)] == ["running", "success"]
        assert b.next(2) == PROGRESS
        assert a.next(0.1) is None and b.next(0.1) is None


def test_following_and_unfollowing_more_jobs():
    events = _events()
    with events.listen("flow") as listener:
        listener.follow("step")
        events.publish("step", "running")
        assert listener.next(2) == "running"
        listener.unfollow("step")
        events.publish("step", "success")
        events.publish("flow", "success")
        assert listener.next(2) == "success"  # the flow's: the step's was not delivered
        assert listener.next(0.1) is None


def test_listening_opens_no_connection_per_listener():
    events = _events()
    with events.listen("warm-up"):
        pass  # the process's subscription is up
    before = events.client.info("stats")["total_connections_received"]
    for index in range(20):
        with events.listen(f"job-{index}") as listener:
            events.publish(f"job-{index}", "success")
            assert listener.next(2) == "success"
    # Other test processes may connect meanwhile, but not one connection per listener.
    assert events.client.info("stats")["total_connections_received"] - before < 5
