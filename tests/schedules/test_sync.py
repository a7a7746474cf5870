"""Beat-start sync: Redis ends up holding exactly the enabled schedules; missed slots are reported."""
from datetime import timedelta

from sqlalchemy import select, update

from app.models import Job, Schedule, utcnow
from app.services.schedule_sync import sync
from tests.schedules.conftest import create


def _row(db, path: str = "u/alice/nightly") -> Schedule:
    with db.session() as session:
        return session.scalars(select(Schedule).filter_by(path=path)).one()


def test_a_stray_entry_is_deleted_and_a_missing_one_recreated(client, auth, target, db, mirror):
    create(client, auth)
    row = _row(db)
    mirror.remove(row.id)
    mirror.put(Schedule(id=row.id + 100, cron="* * * * *", timezone="UTC", enabled=True), rearm_at=utcnow())
    report = sync(db, mirror)
    assert report.removed == [row.id + 100] and report.written == [row.id]
    assert set(mirror.last_runs()) == {row.id}
    assert mirror.entry(row.id).schedule.spec.expr == "30 2 * * *"


def test_an_entry_left_for_a_disabled_schedule_is_deleted(client, auth, target, db, mirror):
    create(client, auth, enabled=False)
    row = _row(db)
    with db.session() as session:
        session.execute(update(Schedule).values(enabled=True))
    mirror.put(_row(db), rearm_at=utcnow())
    with db.session() as session:
        session.execute(update(Schedule).values(enabled=False))
    assert sync(db, mirror).removed == [row.id]
    assert mirror.last_runs() == {}


def test_an_entry_that_drifted_from_its_row_is_rewritten(client, auth, target, db, mirror):
    create(client, auth)
    with db.session() as session:
        session.execute(update(Schedule).values(cron="0 9 * * *", timezone="America/New_York"))
    sync(db, mirror)
    spec = mirror.entry(_row(db).id).schedule.spec
    assert (spec.expr, spec.timezone) == ("0 9 * * *", "America/New_York")


def test_slots_due_while_no_beat_ran_are_reported_not_run(client, auth, target, db, mirror):
    create(client, auth, cron="* * * * *", timezone="UTC")
    row = _row(db)
    now = utcnow().replace(second=30, microsecond=0)
    with db.session() as session:
        session.execute(update(Schedule).values(armed_at=now - timedelta(hours=1)))
    mirror.entry(row.id).reschedule(now - timedelta(minutes=10))  # beat last fired it then
    assert sync(db, mirror, now=now).missed == {row.id: 10}
    shown = client.get("/api/w/main/schedules/p/u/alice/nightly", headers=auth).json
    assert shown["missed_count"] == 10
    assert shown["missed"][0]["count"] == 10 and shown["missed"][0]["capped"] is False
    with db.session() as session:
        assert session.scalars(select(Job)).all() == []
    assert mirror.entry(row.id).last_run_at == now  # re-armed: the next slot is the next one


def test_without_its_entry_the_last_fired_slot_is_the_baseline(client, auth, target, db, mirror):
    create(client, auth, cron="*/5 * * * *", timezone="UTC")
    row = _row(db)
    now = utcnow().replace(minute=30, second=1, microsecond=0)
    with db.session() as session:
        session.execute(update(Schedule).values(armed_at=now - timedelta(days=1),
                                                last_slot=now - timedelta(minutes=30, seconds=1)))
    mirror.remove(row.id)  # Redis lost it
    assert sync(db, mirror, now=now).missed == {row.id: 6}


def test_slots_before_the_schedule_was_armed_are_never_missed(client, auth, target, db, mirror):
    create(client, auth, cron="* * * * * *", timezone="UTC")
    row = _row(db)
    mirror.entry(row.id).reschedule(row.armed_at - timedelta(hours=2))
    assert sync(db, mirror, now=row.armed_at + timedelta(seconds=10)).missed == {row.id: 10}
