"""Re-sync RedBeat from Postgres when beat starts, and report the slots nobody fired.

Run by the beat that holds the RedBeat lock, before its first tick (worker/beat.py):
- every enabled schedule gets its entry written again from its row (created if missing);
- entries under the schedule prefix with no enabled row are deleted;
- slots that came due while no beat fired them, i.e. after the entry's last fire (or after
  the schedule's newest fired slot / its arming, when Redis lost the entry) and up to now,
  are recorded as missed on the row, not run; the entry is then re-armed at now.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.beat import BeatMirror
from app.db import Database
from app.models import Schedule, utcnow
from app.services.cron import CronSpec
from app.services.schedule_firing import record_missed

log = logging.getLogger(__name__)

MISSED_SCAN_LIMIT = 10_000
"""Missed slots counted per schedule and sync; a longer outage is reported as "at least"."""


@dataclass
class SyncReport:
    written: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    missed: dict[int, int] = field(default_factory=dict)


def _missed_since(schedule: Schedule, last_fired: datetime | None) -> datetime:
    marks = [m for m in (last_fired, schedule.last_slot, schedule.armed_at) if m is not None]
    return max(marks)


def sync(db: Database, mirror: BeatMirror, now: datetime | None = None) -> SyncReport:
    """Make Redis hold exactly the enabled schedules; record their missed slots."""
    now = now or utcnow()
    report = SyncReport()
    last_fired = mirror.last_runs()
    with db.session() as session:
        enabled = {s.id: s for s in session.scalars(select(Schedule).where(Schedule.enabled.is_(True)))}
        for schedule_id in set(last_fired) - set(enabled):
            mirror.remove(schedule_id)
            report.removed.append(schedule_id)
        for schedule in enabled.values():
            since = _missed_since(schedule, last_fired.get(schedule.id))
            slots = CronSpec(schedule.cron, schedule.timezone).between(since, now, MISSED_SCAN_LIMIT)
            if slots:
                record_missed(schedule, slots, capped=len(slots) == MISSED_SCAN_LIMIT)
                report.missed[schedule.id] = len(slots)
            mirror.put(schedule, rearm_at=now)
            report.written.append(schedule.id)
    if report.removed:
        log.warning("beat sync removed %d RedBeat entr(ies) with no schedule: %s",
                    len(report.removed), report.removed)
    log.info("beat sync wrote %d schedule entr(ies)", len(report.written))
    return report
