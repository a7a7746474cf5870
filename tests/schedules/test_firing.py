"""Firing a slot: one job at most, run as the owner; failures reach the on_failure script."""
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from app.models import Job, JobStatus, Schedule, ScheduleFiring, utcnow
from app.services import schedules
from app.services.schedule_firing import fire, run_failure_hook
from tests.conftest import TEST_REDIS
from tests.schedules.conftest import create

HOOK = "def main(job_id: str, schedule: str, error: dict):\n    return error\n"


@pytest.fixture()
def queue(app):
    return app.extensions["taskmill"].queue


def _schedule(db) -> Schedule:
    with db.session() as session:
        return session.scalars(select(Schedule)).one()


def _jobs(db) -> list[Job]:
    with db.session() as session:
        return list(session.scalars(select(Job).order_by(Job.created_at)))


def test_a_slot_fires_once_however_often_its_message_arrives(client, auth, target, db, queue):
    create(client, auth)
    row, slot = _schedule(db), utcnow().replace(microsecond=0)
    job_id = fire(db, queue, row.id, slot)
    assert job_id is not None
    assert fire(db, queue, row.id, slot) is None
    assert fire(db, queue, row.id, slot + timedelta(days=1)) is not None
    jobs = _jobs(db)
    assert len(jobs) == 2 and jobs[0].id == job_id
    first = jobs[0]
    assert (first.trigger_kind, first.trigger_label) == ("schedule", "u/alice/nightly")
    assert first.created_by == "alice" and first.args == {"n": 2}
    assert _schedule(db).last_slot == slot + timedelta(days=1)


def test_a_disabled_or_deleted_schedule_fires_nothing(client, auth, target, db, queue):
    create(client, auth, enabled=False)
    assert fire(db, queue, _schedule(db).id, utcnow()) is None
    assert fire(db, queue, 12345, utcnow()) is None
    assert _jobs(db) == []


def test_a_slot_that_cannot_start_records_why(client, auth, target, db, queue):
    create(client, auth)
    client.post("/api/w/main/scripts/archive/p/u/alice/job", headers=auth)
    row, slot = _schedule(db), utcnow()
    assert fire(db, queue, row.id, slot) is None
    assert _schedule(db).last_error["code"] == "not_found"
    with db.session() as session:
        assert session.scalars(select(ScheduleFiring)).one().job_id is None


def test_old_claims_are_pruned_as_new_slots_fire(client, auth, target, db, queue):
    create(client, auth)
    row = _schedule(db)
    fire(db, queue, row.id, utcnow() - timedelta(days=3))
    fire(db, queue, row.id, utcnow())
    with db.session() as session:
        assert len(session.scalars(select(ScheduleFiring)).all()) == 1


def _fail(db, job_id: str) -> None:
    with db.session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.FAILURE, error={"kind": "exception", "message": "boom"}))


def test_a_failed_scheduled_job_runs_the_on_failure_script_as_the_owner(client, auth, factory, target, db,
                                                                         queue):
    factory.script("u/alice/alert", HOOK, tag="unserved")
    create(client, auth, on_failure_path="u/alice/alert")
    failed = fire(db, queue, _schedule(db).id, utcnow())
    _fail(db, failed)
    hook_id = run_failure_hook(db, queue, failed)
    hook = next(j for j in _jobs(db) if j.id == hook_id)
    assert hook.script_path == "u/alice/alert" and hook.trigger_kind == "schedule_failure"
    assert hook.args == {"job_id": failed, "schedule": "u/alice/nightly",
                         "error": {"kind": "exception", "message": "boom"}}
    assert run_failure_hook(db, queue, failed) is None  # once per failure, however often asked
    _fail(db, hook_id)
    assert run_failure_hook(db, queue, hook_id) is None  # a failing hook does not call itself


def test_on_job_finished_queues_the_hook_only_for_failed_scheduled_jobs(client, auth, target, db, queue):
    create(client, auth)
    job_id = fire(db, queue, _schedule(db).id, utcnow())
    broker = redis.Redis.from_url(TEST_REDIS)
    before = broker.llen("unserved")
    schedules.on_job_finished(_jobs(db)[0])  # still queued: nothing to do
    assert broker.llen("unserved") == before
    _fail(db, job_id)
    schedules.on_job_finished(_jobs(db)[0])
    assert broker.llen("unserved") == before + 1
