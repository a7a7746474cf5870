"""CronSchedule is a Celery schedule that RedBeat stores and loads back unchanged."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from celery.schedules import schedule as interval

from app.beat import CronSchedule, EntryDecoder, EntryEncoder, ScheduleEntry

UTC = timezone.utc


def at(moment: datetime):
    return lambda: moment


def test_a_cron_schedule_round_trips_through_redbeats_json():
    original = CronSchedule("30 2 * * *", "Europe/Paris")
    text = json.dumps({"schedule": original, "every": interval(15)}, cls=EntryEncoder)
    loaded = json.loads(text, cls=EntryDecoder)
    assert loaded["schedule"] == original
    assert loaded["every"].run_every == timedelta(seconds=15)


def test_it_is_due_once_its_next_slot_has_come_and_says_when_to_look_again():
    now = datetime(2026, 3, 29, 1, 0, 0, 300000, tzinfo=UTC)  # 03:00:00.3 CEST, the gap's end
    paris = CronSchedule("30 2 * * *", "Europe/Paris", nowfun=at(now))
    due, next_check = paris.is_due(datetime(2026, 3, 28, 2, tzinfo=UTC))
    assert due and next_check == pytest.approx(timedelta(hours=23, minutes=30, seconds=-0.3).total_seconds())
    due, next_check = paris.is_due(now)
    assert not due and next_check > 0
    assert paris.remaining_estimate(now) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC) - now


def test_a_saved_entry_loads_back_with_its_schedule_and_last_fire(app):
    celery = app.extensions["taskmill"].queue.celery
    last = datetime(2026, 5, 1, 12, tzinfo=UTC)
    entry = ScheduleEntry(name="schedule:7", task="taskmill.fire_schedule", args=[7],
                          schedule=CronSchedule("*/5 * * * * *", "Asia/Kolkata"), app=celery)
    entry.save()
    entry.reschedule(last)
    loaded = ScheduleEntry.from_key(entry.key, app=celery)
    assert loaded.schedule == CronSchedule("*/5 * * * * *", "Asia/Kolkata")
    assert loaded.last_run_at == last and loaded.args == [7]
