"""Schedules as RedBeat entries: a timezone-aware cron schedule class and the Redis mirror.

RedBeat evaluates its own `crontab` in the app timezone (UTC), which cannot say "02:30 in
Paris" across DST. So each entry carries a `CronSchedule`: a Celery schedule whose
`is_due`/`remaining_estimate` ask app.services.cron for the next slot in the schedule's
own timezone. RedBeat stores entry definitions as JSON with its own encoder, which knows
only crontab/interval/rrule; `EntryEncoder`/`EntryDecoder` add one type,
`{"__type__": "taskmill_cron", "cron": ..., "timezone": ...}`, and `ScheduleEntry` (the
RedBeat entry class of our scheduler, worker/beat.py) uses them, so an entry written by the
web process round-trips through Redis into beat unchanged.

An entry exists only for an enabled schedule: disabling deletes it, enabling writes it
again. Its `last_run_at` meta is when beat last fired it; re-arming sets it to now, so a new,
re-enabled or re-timed schedule starts with its next slot and never with a catch-up run.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from celery import Celery
from celery.schedules import BaseSchedule, schedstate
from redbeat.decoder import RedBeatJSONDecoder, RedBeatJSONEncoder
from redbeat.schedulers import RedBeatSchedulerEntry, ensure_conf, get_redis

from app.models import Schedule
from app.services.cron import CronSpec

CRON_TYPE = "taskmill_cron"
ENTRY_PREFIX = "schedule:"
"""RedBeat entry names are `schedule:<id>`: rows are found by id, whatever their path."""
FIRE_TASK = "taskmill.fire_schedule"


class CronSchedule(BaseSchedule):
    """A Celery schedule firing on the slots of a cron expression in an IANA timezone."""

    def __init__(self, cron: str, tz_name: str, nowfun=None,  # noqa: ANN001
                 app: Celery | None = None) -> None:
        super().__init__(nowfun=nowfun, app=app)
        self.spec = CronSpec(cron, tz_name)

    def next_slot(self, last_run_at: datetime) -> datetime:
        return self.spec.next_after(_aware(last_run_at))

    def remaining_estimate(self, last_run_at: datetime) -> timedelta:
        return self.next_slot(last_run_at) - self.now()

    def is_due(self, last_run_at: datetime) -> schedstate:
        """Due once the first slot after `last_run_at` has come; next check at the slot after."""
        now = self.now()
        slot = self.next_slot(last_run_at)
        if slot > now:
            return schedstate(False, (slot - now).total_seconds())
        return schedstate(True, (self.spec.next_after(now) - now).total_seconds())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CronSchedule) and other.spec == self.spec

    def __repr__(self) -> str:
        return f"<CronSchedule {self.spec.expr!r} {self.spec.timezone}>"

    def __reduce__(self):  # noqa: ANN204  (Celery pickles schedules in some code paths)
        return self.__class__, (self.spec.expr, self.spec.timezone, self.nowfun)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class EntryEncoder(RedBeatJSONEncoder):
    def default(self, obj):  # noqa: ANN001, ANN201
        if isinstance(obj, CronSchedule):
            return {"__type__": CRON_TYPE, "cron": obj.spec.expr, "timezone": obj.spec.timezone}
        return super().default(obj)


class EntryDecoder(RedBeatJSONDecoder):
    def dict_to_object(self, d):  # noqa: ANN001, ANN201
        if d.get("__type__") == CRON_TYPE:
            return CronSchedule(d["cron"], d["timezone"])
        return super().dict_to_object(d)


class ScheduleEntry(RedBeatSchedulerEntry):
    """RedBeat's entry, storing its definition with the encoder that knows CronSchedule."""

    @staticmethod
    def decode_definition(definition):  # noqa: ANN001, ANN205
        return json.loads(definition, cls=EntryDecoder)

    def save(self) -> "ScheduleEntry":
        # RedBeat's own save() with our encoder; the meta is kept if the entry exists.
        definition = {"name": self.name, "task": self.task, "args": self.args,
                      "kwargs": self.kwargs, "options": self.options,
                      "schedule": self.schedule, "enabled": self.enabled}
        meta = {"last_run_at": self.last_run_at}
        with get_redis(self.app).pipeline() as pipe:
            pipe.hset(self.key, "definition", json.dumps(definition, cls=EntryEncoder))
            pipe.hsetnx(self.key, "meta", json.dumps(meta, cls=EntryEncoder))
            pipe.zadd(self.app.redbeat_conf.schedule_key, {self.key: self.score})
            pipe.execute()
        return self


class BeatMirror:
    """Writes, reads and deletes the RedBeat entries of schedules."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery
        ensure_conf(celery)

    @property
    def prefix(self) -> str:
        return self.celery.redbeat_conf.key_prefix + ENTRY_PREFIX

    def put(self, schedule: Schedule, *, rearm_at: datetime | None) -> None:
        """Mirror `schedule`: an entry if enabled, none if not. With `rearm_at`, its first slot
        is the next one after that time; without, an existing entry keeps its last fire time."""
        if not schedule.enabled:
            self.remove(schedule.id)
            return
        settings = self.celery.conf.taskmill_settings
        entry = ScheduleEntry(name=f"{ENTRY_PREFIX}{schedule.id}", task=FIRE_TASK,
                              schedule=CronSchedule(schedule.cron, schedule.timezone),
                              args=[schedule.id], options={"queue": settings.queues[0]},
                              app=self.celery)
        entry.save()
        if rearm_at is not None:
            entry.reschedule(rearm_at)

    def remove(self, schedule_id: int) -> None:
        ScheduleEntry(name=f"{ENTRY_PREFIX}{schedule_id}", app=self.celery).delete()

    def last_runs(self) -> dict[int, datetime | None]:
        """schedule id → when beat last fired it, for every schedule entry in Redis."""
        found = {}
        for key in get_redis(self.celery).scan_iter(match=f"{self.prefix}*"):
            suffix = key[len(self.prefix):]
            if suffix.isdigit():
                meta = ScheduleEntry.load_meta(key, app=self.celery)
                found[int(suffix)] = meta.get("last_run_at")
        return found

    def entry(self, schedule_id: int) -> ScheduleEntry | None:
        """The stored entry of a schedule, or None."""
        try:
            return ScheduleEntry.from_key(f"{self.prefix}{schedule_id}", app=self.celery)
        except KeyError:
            return None
