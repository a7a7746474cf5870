"""The beat scheduler: RedBeat, plus what Taskmill schedules need from beat.

- Sync: on its first tick, the beat re-writes every schedule's RedBeat entry from Postgres,
  deletes entries with no schedule and records the slots missed while no beat ran
  (app.services.schedule_sync). The first tick comes after `beat_init`, where RedBeat
  acquires its lock, so only the beat that will actually fire does this: a second beat
  waiting for the lock cannot re-arm entries under the running one.
- Slots: each message of a schedule carries the slot it fires for, so the fire task can
  claim exactly that slot; slots that a late tick jumped over are recorded as missed.

The same class runs under `celery -A worker.main beat` and `celery worker -B` (the
embedded beat sends `beat_init` too).
"""
from __future__ import annotations

import logging
from datetime import datetime

from kombu.utils.objects import cached_property
from redbeat import RedBeatScheduler

from app.beat import BeatMirror, CronSchedule, ScheduleEntry
from app.db import Database
from app.models import Schedule
from app.services import schedule_sync
from app.services.schedule_firing import record_missed

log = logging.getLogger(__name__)


class TaskmillScheduler(RedBeatScheduler):
    Entry = ScheduleEntry
    _synced = False

    @cached_property
    def db(self) -> Database:
        return Database(self.app.conf.taskmill_settings.resolved_database_url())

    def tick(self, *args, **kwargs) -> float:
        if not self._synced:
            self._sync()
        return super().tick(*args, **kwargs)

    def _sync(self) -> None:
        try:
            schedule_sync.sync(self.db, BeatMirror(self.app))
        except Exception:  # beat must keep firing what Redis has; the sync is retried next tick
            log.exception("beat: could not sync schedules from the database")
            return
        self._synced = True

    def apply_async(self, entry, producer=None, advance=True, **kwargs):  # noqa: ANN001, ANN201
        if advance and isinstance(entry.schedule, CronSchedule):
            entry.kwargs = {**entry.kwargs, "slot": self._due_slot(entry).isoformat()}
        return super().apply_async(entry, producer, advance, **kwargs)

    def _due_slot(self, entry: ScheduleEntry) -> datetime:
        """The newest slot that has come since the entry last fired (the one to fire now)."""
        now = self.app.now()
        last = entry.last_run_at or now
        slots = entry.schedule.spec.between(last, now, schedule_sync.MISSED_SCAN_LIMIT)
        if len(slots) > 1:
            self._record_skipped(entry.args[0], slots[:-1])
        return slots[-1] if slots else entry.schedule.next_slot(last)

    def _record_skipped(self, schedule_id: int, slots: list[datetime]) -> None:
        try:
            with self.db.session() as session:
                schedule = session.get(Schedule, schedule_id)
                if schedule is not None:
                    record_missed(schedule, slots, capped=False)
        except Exception:  # a failed report must not stop the slot that is due
            log.exception("beat: could not record missed slots of schedule %s", schedule_id)
