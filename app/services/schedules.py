"""Schedules: path-addressed cron triggers of one script or flow, checked by app.authz like
scripts.

Postgres holds every schedule; each change is mirrored into RedBeat (app.beat.BeatMirror)
inside the same unit of work, before its commit: a Redis failure aborts the change. Jobs
(and flow runs) of a schedule run as its owner, the user who saved it last, and carry
trigger kind `schedule` with the schedule's path as label. Starting them is
app.services.schedule_firing's part.
"""
from __future__ import annotations

from datetime import datetime

from celery import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, can_see_job, require, require_create
from app.beat import BeatMirror
from app.errors import Conflict, NotFound
from app.models import Job, JobStatus, Schedule, TargetKind, utcnow
from app.services import audit, folders, grants
from app.services.cron import CronSpec
from app.services.paths import validate_path
from app.services.schedule_checks import ScheduleDraft, check_draft

KIND = TargetKind.SCHEDULE
TRIGGER_KIND = "schedule"
FAILURE_TRIGGER_KIND = "schedule_failure"
"""Jobs of on_failure scripts: a kind of their own, so their failure calls no hook again."""
FAILURE_TASK = "taskmill.schedule_failed"
UPCOMING = 5
"""Next fire times shown with each schedule."""


def _find(session: Session, ws_id: str, path: str) -> Schedule | None:
    return session.scalars(select(Schedule).where(Schedule.workspace_id == ws_id,
                                                  Schedule.path == path)).first()


def get(session: Session, actor: Actor, path: str, action: Action = Action.READ) -> Schedule:
    """The schedule at `path`, if the actor may do `action` with it."""
    require(actor, action, KIND, path)
    schedule = _find(session, actor.ws_id, path)
    if schedule is None:
        raise NotFound(f"schedule {path!r} not found", {"path": path})
    return schedule


def list_all(session: Session, actor: Actor) -> list[Schedule]:
    """Every schedule the actor may read, by path."""
    query = select(Schedule).where(Schedule.workspace_id == actor.ws_id).order_by(Schedule.path)
    return [s for s in session.scalars(query) if can(actor, Action.READ, KIND, s.path)]


def _apply(schedule: Schedule, actor: Actor, draft: ScheduleDraft, spec: CronSpec) -> bool:
    """Copy the draft in; True when the slots changed (the schedule must be re-armed)."""
    before = (schedule.cron, schedule.timezone, schedule.enabled)
    retimed = before != (spec.expr, draft.timezone, draft.enabled)
    schedule.cron, schedule.timezone, schedule.enabled = spec.expr, draft.timezone, draft.enabled
    schedule.target_kind, schedule.target_path = draft.target
    schedule.args, schedule.summary = draft.args, draft.summary
    schedule.on_failure_path = draft.on_failure_path or None
    schedule.owner_id, schedule.edited_by, schedule.updated_at = actor.user.id, actor.name, utcnow()
    if retimed:
        schedule.armed_at = utcnow()
    return retimed


def _target_name(draft: ScheduleDraft) -> str:
    kind, path = draft.target
    return f"{kind.value}/{path}"


def create(session: Session, mirror: BeatMirror, actor: Actor, path: str, draft: ScheduleDraft) -> Schedule:
    """A new schedule at `path`, owned by the actor; 409 if the path is taken."""
    validate_path(path)
    require_create(actor, KIND, path)
    if _find(session, actor.ws_id, path) is not None:
        raise Conflict(f"a schedule already exists at {path!r}", {"path": path})
    spec = check_draft(session, actor, draft)
    folders.ensure_for_path(session, actor, path)
    schedule = Schedule(workspace_id=actor.ws_id, path=path, created_at=utcnow())
    _apply(schedule, actor, draft, spec)
    session.add(schedule)
    session.flush()
    audit.record_for(session, actor, "schedule.create", path, cron=spec.expr, runs=_target_name(draft))
    mirror.put(schedule, rearm_at=schedule.armed_at)
    return schedule


def update(session: Session, mirror: BeatMirror, actor: Actor, path: str, draft: ScheduleDraft) -> Schedule:
    """Save new fields; the actor becomes the owner its jobs run as."""
    schedule = get(session, actor, path, Action.WRITE)
    spec = check_draft(session, actor, draft)
    retimed = _apply(schedule, actor, draft, spec)
    audit.record_for(session, actor, "schedule.update", path, cron=spec.expr, runs=_target_name(draft))
    mirror.put(schedule, rearm_at=schedule.armed_at if retimed else None)
    return schedule


def set_enabled(session: Session, mirror: BeatMirror, actor: Actor, path: str, enabled: bool) -> Schedule:
    """Enable (from the next slot on: earlier slots are not missed) or disable."""
    schedule = get(session, actor, path, Action.WRITE)
    changed = schedule.enabled != enabled
    if changed:
        schedule.enabled, schedule.updated_at = enabled, utcnow()
        schedule.armed_at = utcnow() if enabled else schedule.armed_at
        audit.record_for(session, actor, "schedule.enable" if enabled else "schedule.disable", path)
    mirror.put(schedule, rearm_at=schedule.armed_at if changed else None)
    return schedule


def delete(session: Session, mirror: BeatMirror, actor: Actor, path: str) -> None:
    """Delete the schedule and its shares; its jobs are kept."""
    schedule = get(session, actor, path, Action.WRITE)
    grants.remove_for_target(session, actor.ws_id, KIND, path)
    audit.record_for(session, actor, "schedule.delete", path)
    session.delete(schedule)
    mirror.remove(schedule.id)


def runs(session: Session, actor: Actor, path: str, limit: int = 50) -> list[Job]:
    """The schedule's latest jobs and flow runs (and its on_failure jobs) that the actor may see."""
    get(session, actor, path)
    query = (select(Job).where(Job.workspace_id == actor.ws_id, Job.trigger_label == path,
                               Job.trigger_kind.in_([TRIGGER_KIND, FAILURE_TRIGGER_KIND]))
             .order_by(Job.created_at.desc()).limit(limit))
    return [job for job in session.scalars(query) if can_see_job(actor, job)]


def present(session: Session, schedules: list[Schedule], now: datetime | None = None) -> list[Schedule]:
    """Attach what pages and the API show: next fire times, a description, last run status."""
    now = now or utcnow()
    last_ids = [s.last_job_id for s in schedules if s.last_job_id]
    statuses = dict(session.execute(select(Job.id, Job.status).where(Job.id.in_(last_ids))).all())
    for schedule in schedules:
        spec = CronSpec(schedule.cron, schedule.timezone)
        schedule.next_fires = spec.upcoming(UPCOMING, now) if schedule.enabled else []
        schedule.description = spec.describe()
        status = statuses.get(schedule.last_job_id)
        schedule.last_status = status.value if status else None
    return schedules


def on_job_finished(job: Job) -> None:
    """Call when a job or a flow run reaches its final status. A failed one of a schedule with
    an on_failure script gets that script run (by the `taskmill.schedule_failed` task, on the
    job's queue)."""
    if job.trigger_kind == TRIGGER_KIND and job.status == JobStatus.FAILURE:
        current_app.send_task(FAILURE_TASK, args=[job.id], queue=job.queue, ignore_result=True)
