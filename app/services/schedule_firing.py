"""Starting the runs of schedules: one job (or flow run) per slot at most, run now, failure
hooks, and reports of missed slots.

Slot idempotency: before its job is created, a slot is claimed by inserting the unique row
(schedule_id, slot) into `schedule_firings`, in its own committed transaction. A second
beat, a redelivered message or a retried task for the same slot fails that insert and
creates nothing. The claim comes first on purpose: a worker killed between the claim and
the job loses that one slot (at most once) rather than ever running it twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.authz import Action, Actor, load_actor
from app.db import Database
from app.errors import Forbidden, TaskmillError
from app.models import Job, Schedule, ScheduleFiring, ScheduleTargetKind, User, utcnow
from app.queue import JobQueue
from app.services import flow_runs, flows, jobs, schedules, scripts
from app.services.schedules import FAILURE_TRIGGER_KIND, TRIGGER_KIND

log = logging.getLogger(__name__)

FIRING_RETENTION = timedelta(days=2)
"""Claimed slots are kept this long: far longer than any message can be redelivered."""
MISSED_KEPT = 10
"""Stretches of missed slots remembered per schedule (newest first)."""


def owner_actor(session: Session, schedule: Schedule) -> Actor:
    """The schedule's owner acting in its workspace (NotFound if they left it)."""
    owner = session.get(User, schedule.owner_id) if schedule.owner_id else None
    if owner is None:
        raise Forbidden("the schedule's owner no longer exists; save it again to own it")
    return load_actor(session, schedule.workspace_id, owner)


def start(db: Database, queue: JobQueue, actor: Actor, schedule: Schedule) -> Job:
    """Start the latest version of the schedule's script or flow with its args, as `actor`
    (the job of a script, the flow job of a flow run)."""
    trigger = jobs.Trigger(TRIGGER_KIND, actor, schedule.path)
    with db.session() as session:
        if schedule.target_kind == ScheduleTargetKind.FLOW:
            target = flows.latest(session, actor, schedule.target_path, Action.RUN)
        else:
            target = scripts.latest(session, actor, schedule.target_path, Action.RUN)
    if schedule.target_kind == ScheduleTargetKind.FLOW:
        return flow_runs.submit(db, queue, target, schedule.args, trigger)
    return jobs.submit(db, queue, target, schedule.args, trigger)


def run_now(db: Database, queue: JobQueue, actor: Actor, path: str) -> Job:
    """Run the schedule's target with its args now, as the caller (not as the owner: a
    reader of a schedule must not borrow its owner's rights)."""
    with db.session() as session:
        schedule = schedules.get(session, actor, path, Action.RUN)
    return start(db, queue, actor, schedule)


def _claim(db: Database, schedule_id: int, slot: datetime) -> bool:
    try:
        with db.session() as session:
            session.add(ScheduleFiring(schedule_id=schedule_id, slot=slot))
    except IntegrityError:
        return False
    return True


def _record(db: Database, schedule_id: int, slot: datetime, job_id: str | None,
            error: dict[str, Any] | None) -> None:
    with db.session() as session:
        schedule = session.get(Schedule, schedule_id)
        firing = session.scalars(select(ScheduleFiring).filter_by(schedule_id=schedule_id, slot=slot)).one()
        firing.job_id = job_id
        if schedule is not None and (schedule.last_slot is None or slot >= schedule.last_slot):
            schedule.last_slot, schedule.last_job_id, schedule.last_error = slot, job_id, error
        session.execute(delete(ScheduleFiring).where(ScheduleFiring.schedule_id == schedule_id,
                                                     ScheduleFiring.slot < utcnow() - FIRING_RETENTION))


def fire(db: Database, queue: JobQueue, schedule_id: int, slot: datetime) -> str | None:
    """Start the job (or flow run) of one slot as the schedule's owner; returns its id, or
    None when the schedule is gone or disabled, the slot was already fired, or the job could
    not start."""
    with db.session() as session:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None or not schedule.enabled:
            log.info("schedule %s is gone or disabled; slot %s ignored", schedule_id, slot)
            return None
    if not _claim(db, schedule_id, slot):
        log.info("schedule %s slot %s was already fired", schedule_id, slot)
        return None
    try:
        with db.session() as session:
            schedule = session.get(Schedule, schedule_id)
            actor = owner_actor(session, schedule)
        job = start(db, queue, actor, schedule)
    except TaskmillError as error:
        log.warning("schedule %s slot %s started no job: %s", schedule_id, slot, error.message)
        _record(db, schedule_id, slot, None, {"code": error.code, "message": error.message})
        return None
    _record(db, schedule_id, slot, job.id, None)
    return job.id


def _hook_ran(session: Session, job: Job) -> bool:
    """Whether the failure of `job` already has its on_failure job (a repeated call is a no-op)."""
    hooks = session.scalars(select(Job).where(
        Job.workspace_id == job.workspace_id, Job.trigger_kind == FAILURE_TRIGGER_KIND,
        Job.trigger_label == job.trigger_label, Job.created_at >= job.created_at))
    return any(hook.args.get("job_id") == job.id for hook in hooks)


def _failed_scheduled_job(session: Session, job_id: str) -> tuple[Job, Schedule] | None:
    job = session.get(Job, job_id)
    if job is None or job.trigger_kind != TRIGGER_KIND or _hook_ran(session, job):
        return None
    schedule = session.scalars(select(Schedule).filter_by(workspace_id=job.workspace_id,
                                                          path=job.trigger_label)).first()
    return (job, schedule) if schedule is not None and schedule.on_failure_path else None


def run_failure_hook(db: Database, queue: JobQueue, job_id: str) -> str | None:
    """Run the on_failure script of the failed job's schedule, with {job_id, schedule, error},
    as the schedule's owner; returns the new job's id (None when there is nothing to run)."""
    try:
        with db.session() as session:
            found = _failed_scheduled_job(session, job_id)
            if found is None:
                return None
            job, schedule = found
            actor = owner_actor(session, schedule)
            script = scripts.latest(session, actor, schedule.on_failure_path, Action.RUN)
        args = {"job_id": job.id, "schedule": schedule.path, "error": job.error or {}}
        trigger = jobs.Trigger(FAILURE_TRIGGER_KIND, actor, schedule.path)
        return jobs.submit(db, queue, script, args, trigger).id
    except TaskmillError as error:
        log.warning("on_failure of the schedule of job %s could not start: %s", job_id, error.message)
        return None


def record_missed(schedule: Schedule, slots: list[datetime], capped: bool) -> None:
    """Note a stretch of slots that fired no job (beat was down or late); `capped` when the
    stretch was too long to count to its end."""
    schedule.missed_count += len(slots)
    stretch = {"first": slots[0].isoformat(), "last": slots[-1].isoformat(), "count": len(slots),
               "capped": capped, "detected_at": utcnow().isoformat()}
    schedule.missed = [stretch, *schedule.missed][:MISSED_KEPT]
    log.warning("schedule %s (%s) missed %s%d slot(s) from %s to %s", schedule.id, schedule.path,
                "at least " if capped else "", len(slots), stretch["first"], stretch["last"])
