"""Real beat processes fire per-second schedules: on time, across restarts, one job per slot."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import Job, Schedule, utcnow
from tests.schedules.beat import (sends, settled_firings, start_beat, start_worker_with_beat,
                                  wait_for_firings)
from tests.schedules.conftest import create

pytestmark = pytest.mark.e2e

SLOT = timedelta(seconds=1)


@pytest.fixture()
def every_second(client, auth, target) -> None:
    assert create(client, auth, cron="* * * * * *", timezone="UTC").status_code == 201


def _jobs_of_schedule(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Job).where(Job.trigger_kind == "schedule"))


def _assert_one_job_per_slot(db, *stopped) -> list:
    """With every beat stopped and the last messages handled: each claimed slot has one job."""
    for process in stopped:
        process.stop()
    fired = settled_firings(db)
    slots = [f.slot for f, _ in fired]
    assert len(slots) == len(set(slots))
    assert all(job is not None for _, job in fired)
    assert _jobs_of_schedule(db) == len(fired)
    return fired


def test_a_per_second_schedule_fires_within_two_seconds_of_each_slot(db, worker, every_second, processes):
    processes(start_beat, "beat")
    fired = wait_for_firings(db, 4)
    for firing, job in fired:
        late = job.created_at - firing.slot
        assert timedelta(0) <= late <= timedelta(seconds=2), (firing.slot, job.created_at)
        assert job.trigger_label == "u/alice/nightly" and job.args == {"n": 2}
    slots = [f.slot for f, _ in fired]
    assert [b - a for a, b in zip(slots, slots[1:])] == [SLOT] * (len(slots) - 1)


def test_a_restarted_beat_keeps_firing_without_duplicates_and_reports_the_gap(db, worker, every_second,
                                                                             processes):
    first = processes(start_beat, "first")
    wait_for_firings(db, 3)
    first.stop()
    stopped = utcnow()
    time.sleep(2)
    second = processes(start_beat, "second")
    wait_for_firings(db, 3, after=stopped + SLOT)
    fired = _assert_one_job_per_slot(db, second)
    with db.session() as session:
        schedule = session.scalars(select(Schedule)).one()
    assert schedule.missed_count >= 1
    gap = schedule.missed[0]
    assert gap["first"] > fired[0][0].slot.isoformat()


def test_two_beats_at_once_make_exactly_one_job_per_slot(db, worker, every_second, processes):
    a, b = processes(start_beat, "a"), processes(start_beat, "b")
    wait_for_firings(db, 5)
    standby, active = (a, b) if sends(a) == 0 else (b, a)
    assert sends(standby) == 0 and sends(active) >= 5
    fired = _assert_one_job_per_slot(db, standby, active)  # the standby first: it must not take over
    assert len(fired) == sends(active)
    slots = [f.slot for f, _ in fired]
    assert [b - a for a, b in zip(slots, slots[1:])] == [SLOT] * (len(slots) - 1)


def test_the_beat_embedded_in_a_worker_fires_schedules_too(db, every_second, processes):
    embedded = processes(start_worker_with_beat, "worker-b")
    wait_for_firings(db, 3)
    _assert_one_job_per_slot(db, embedded)
