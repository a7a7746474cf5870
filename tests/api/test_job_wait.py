"""A sync wait reads the job again only when an event may mean it finished."""
from __future__ import annotations

import threading
import time

import redis
from sqlalchemy import event, update

from app.events import PROGRESS, JobEvents
from app.models import Job, JobStatus
from app.services import jobs
from tests.conftest import TEST_REDIS

SCRIPT = "def main():\n    return 1\n"


def _queued_job(db, factory) -> str:
    factory.workspace("main")
    factory.user("alice")
    script = factory.script("u/alice/one", SCRIPT, tag="unserved")
    with db.session() as session:
        actor = factory.actor(session)
        job = jobs.create_job(session, script, {}, jobs.Trigger(kind="api", actor=actor))
        session.flush()
        return job.id


def _job_reads(db) -> list[str]:
    reads: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
        if "FROM jobs" in statement:
            reads.append(statement)

    for engine in (db.engine, db.autocommit_engine):  # Database.statement's reads too
        event.listen(engine, "before_cursor_execute", seen)
    return reads


def _set(db, job_id: str, **values) -> None:
    with db.session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def _wait_while(db, factory, events: JobEvents, job_id: str, meanwhile) -> tuple[Job, float]:
    """jobs.wait for `job_id` while `meanwhile` runs beside it: (the job, seconds waited)."""
    thread = threading.Thread(target=meanwhile)
    thread.start()
    with db.session() as session:
        actor = factory.actor(session)
    started = time.monotonic()
    job = jobs.wait(db, events, actor, job_id, timeout=10)
    thread.join()
    return job, time.monotonic() - started


def test_status_and_progress_events_are_not_read_again(db, factory):
    job_id = _queued_job(db, factory)
    events = JobEvents(redis.Redis.from_url(TEST_REDIS))

    def worker() -> None:
        time.sleep(0.2)  # the waiter is subscribed by then
        events.publish(job_id, JobStatus.RUNNING.value)
        for _ in range(5):
            events.publish(job_id, PROGRESS)
        _set(db, job_id, status=JobStatus.SUCCESS, result=1)
        events.publish(job_id, JobStatus.SUCCESS.value)

    reads = _job_reads(db)
    job, waited = _wait_while(db, factory, events, job_id, worker)
    assert job.status == JobStatus.SUCCESS and job.result == 1
    assert waited < 0.45  # woken by the event, not by the 0.5 s poll
    assert len(reads) == 2  # before waiting and after "success"; none for the other six events


def test_a_plain_change_event_is_read(db, factory):
    job_id = _queued_job(db, factory)
    events = JobEvents(redis.Redis.from_url(TEST_REDIS))

    def canceler() -> None:
        time.sleep(0.2)
        _set(db, job_id, status=JobStatus.CANCELED)
        events.publish(job_id)  # "changed": says nothing more

    job, waited = _wait_while(db, factory, events, job_id, canceler)
    assert job.status == JobStatus.CANCELED and waited < 0.45


def test_a_lost_event_costs_only_the_poll(db, factory):
    job_id = _queued_job(db, factory)
    events = JobEvents(redis.Redis.from_url(TEST_REDIS))

    def silent() -> None:
        time.sleep(0.1)
        _set(db, job_id, status=JobStatus.FAILURE)

    job, _waited = _wait_while(db, factory, events, job_id, silent)
    assert job.status == JobStatus.FAILURE


class _InstantWorker:
    """Stands in for the broker and a worker that finishes each job as soon as it is enqueued,
    before the waiter reads anything."""

    def __init__(self, db, events: JobEvents) -> None:
        self.db, self.events = db, events

    def enqueue(self, job_id: str, _queue: str) -> None:
        _set(self.db, job_id, status=JobStatus.SUCCESS, result=2)
        self.events.publish(job_id, JobStatus.SUCCESS.value)


def test_run_and_wait_subscribes_before_the_job_exists_and_reads_it_once(db, factory):
    factory.workspace("main")
    factory.user("alice")
    script = factory.script("u/alice/fast", SCRIPT, tag="unserved")
    events = JobEvents(redis.Redis.from_url(TEST_REDIS))
    with db.session() as session:
        actor = factory.actor(session)
    reads = _job_reads(db)
    started = time.monotonic()
    job = jobs.run_and_wait(db, _InstantWorker(db, events), events, script, {},
                            jobs.Trigger(kind="api", actor=actor), timeout=10)
    assert job.status == JobStatus.SUCCESS and job.result == 2
    assert time.monotonic() - started < 0.45  # the end was not missed: no wait for the poll
    assert len([r for r in reads if r.lstrip().startswith("SELECT")]) == 1
