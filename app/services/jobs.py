"""Jobs: create and enqueue runs, read their state, cancel them."""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from app.authz import Action, Actor, can, require, require_job
from app.db import Database
from app.errors import InvalidState, NotFound, QueueUnavailable, ValidationFailed
from app.events import PROGRESS, JobEvents, JobListener
from app.models import Job, JobKind, JobStatus, Role, Script, TargetKind, TokenScope, utcnow
from app.models.base import new_id
from app.queue import JobQueue
from app.services import audit
from app.services.args import invalid_arguments, validate_args

UNFINISHED = frozenset(status.value for status in JobStatus if not status.finished)
"""Statuses an event may announce that leave a waiter waiting."""


@dataclass(frozen=True)
class Trigger:
    """Who or what asked for a run: `kind` is ui, api, webhook, schedule or flow.

    The job runs as `actor` (its rights bound what the job's own token may do).
    """

    kind: str
    actor: Actor
    label: str = ""


def create_job(session: Session, script: Script, args: Any, trigger: Trigger,
               job_id: str | None = None) -> Job:
    """Validate `args` and insert a queued job row in the session's transaction (not yet
    committed, not yet enqueued); `job_id`: its id, when the caller chose it (None: a new one).
    Returns the row as a Job of the session. A Core insert: every run request makes one, and
    the ORM's unit of work costs three times as much."""
    require(trigger.actor, Action.RUN, TargetKind.SCRIPT, script.path)
    job = _new_job(script, validate_args(script.schema, args), trigger)
    if job_id is not None:
        job.id = job_id
    session.connection().execute(insert(Job.__table__), _row_of(job))
    make_transient_to_detached(job)
    session.add(job)
    audit.record_for(session, trigger.actor, "job.run", script.path, job=job.id, trigger=trigger.kind,
                     hash=script.hash)
    return job


def _row_of(job: Job) -> dict[str, Any]:
    """The values to insert for a Job not added to a session, after giving each of its
    unset columns its default (or None), as a flush would: the Job is then whole, and reading
    it needs no session. (A None is not inserted: a JSON column would store a JSON null.)"""
    row = {}
    for column in Job.__table__.c:
        value = getattr(job, column.key)
        if value is None and column.default is not None:
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
        setattr(job, column.key, value)
        if value is not None:
            row[column.key] = value
    return row


def _new_job(script: Script, args: dict[str, Any], trigger: Trigger) -> Job:
    actor = trigger.actor
    return Job(workspace_id=script.workspace_id, script_path=script.path,
               script_hash=script.hash, language=script.language, queue=script.tag, args=args,
               created_by=actor.name, run_as_user_id=actor.user.id,
               token_id=actor.token.id if actor.token else None, trigger_kind=trigger.kind,
               trigger_label=trigger.label, enqueued_at=utcnow())


def submit_many(db: Database, queue: JobQueue, script: Script, runs: list[Any],
                trigger: Trigger) -> list[Job]:
    """One job per argument set, all or none: every set is validated first (the error lists
    each failing field as `runs/<index>/<field>`), the jobs are committed together with one
    audit event, then their messages are published; one that cannot be published fails its
    job, and the error says how many were started."""
    require(trigger.actor, Action.RUN, TargetKind.SCRIPT, script.path)
    valid, problems = [], []
    for index, args in enumerate(runs):
        try:
            valid.append(validate_args(script.schema, args))
        except ValidationFailed as exc:
            problems += [{**d, "field": f"runs/{index}/{d['field']}"} for d in exc.details or []]
    if problems:
        raise invalid_arguments(problems)
    created = [_new_job(script, args, trigger) for args in valid]
    with db.session() as session:
        session.add_all(created)
        session.flush()  # the ids
        audit.record_for(session, trigger.actor, "job.run_many", script.path, trigger=trigger.kind,
                         hash=script.hash, count=len(created), jobs=[job.id for job in created])
    for index, job in enumerate(created):
        try:
            queue.enqueue(job.id, job.queue)
        except QueueUnavailable as exc:
            with db.session() as session:
                for unsent in created[index:]:
                    _finish_unrun(session, unsent.id, JobStatus.FAILURE,
                                  {"kind": "queue", "message": "could not enqueue the job"})
            started = [j.id for j in created[:index]]
            raise QueueUnavailable(f"{exc.message}: {index} of {len(created)} jobs were started",
                                   {**(exc.details or {}), "started": started}) from exc
    return created


def submit(db: Database, queue: JobQueue, script: Script, args: Any, trigger: Trigger,
           job_id: str | None = None) -> Job:
    """Commit a queued job, then publish its message; if publishing fails the job fails too.

    The row is committed first so the worker always finds it; a crash between the two
    steps leaves a queued row that the sweeper re-enqueues (run_job is idempotent).
    `job_id`: see create_job.
    """
    with db.session() as session:
        job = create_job(session, script, args, trigger, job_id)
    try:
        queue.enqueue(job.id, job.queue)
    except Exception as exc:
        with db.session() as session:
            _finish_unrun(session, job.id, JobStatus.FAILURE,
                          {"kind": "queue", "message": "could not enqueue the job"})
        raise exc
    return job


def get(session: Session, actor: Actor, job_id: str, *, cancel: bool = False) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.workspace_id != actor.ws_id:
        raise NotFound(f"job {job_id!r} not found", {"id": job_id})
    require_job(actor, job, cancel=cancel)
    return job


def _visible(session: Session, actor: Actor):
    """SQL condition for the jobs `actor` may see (mirrors authz.can_see_job)."""
    if actor.token is not None and actor.token.scope == TokenScope.RUN:
        return Job.token_id == actor.token.id
    if actor.is_admin:
        return Job.workspace_id == actor.ws_id
    pairs = [] if actor.role == Role.OPERATOR else session.execute(
        select(Job.kind, Job.script_path).where(Job.workspace_id == actor.ws_id).distinct())
    readable = [and_(Job.kind == kind, Job.script_path == path) for kind, path in pairs
                if can(actor, Action.READ_CODE, _kind_of(kind), path)]
    return or_(Job.run_as_user_id == actor.user.id, *readable) if readable else (
        Job.run_as_user_id == actor.user.id)


def _kind_of(job_kind: JobKind) -> TargetKind:
    return TargetKind.FLOW if job_kind == JobKind.FLOW else TargetKind.SCRIPT


def list_jobs(session: Session, actor: Actor, *, path: str = "", status: str = "",
              page: int = 1, per_page: int = 50) -> tuple[list[Job], int]:
    """The jobs the actor may see, newest first."""
    # Steps of flows are listed with their flow run, not one by one.
    query = select(Job).where(Job.workspace_id == actor.ws_id, Job.parent_job_id.is_(None),
                              _visible(session, actor))
    if path:
        query = query.where(Job.script_path.startswith(path, autoescape=True))
    if status:
        query = query.where(Job.status == JobStatus(status))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Job.created_at.desc(), Job.id)
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def _finish_unrun(session: Session, job_id: str, status: JobStatus, error: dict | None) -> bool:
    now = utcnow()
    done = session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                           .values(status=status, finished_at=now, error=error, duration_ms=0))
    return done.rowcount == 1


def cancel(db: Database, events: JobEvents, actor: Actor, job_id: str) -> Job:
    """Cancel at once if queued; if running, flag it and let its worker kill the container."""
    with db.session() as session:
        job = get(session, actor, job_id, cancel=True)
        if job.status.finished:
            raise InvalidState(f"job already {job.status.value}", {"status": job.status.value})
        error = {"kind": "canceled", "message": f"canceled by {actor.name}"}
        if not _finish_unrun(session, job_id, JobStatus.CANCELED, error):
            session.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
        audit.record_for(session, actor, "job.cancel", job.script_path, job=job_id)
    events.publish(job_id)
    with db.session() as session:
        return get(session, actor, job_id)


def wait(db: Database, events: JobEvents, actor: Actor, job_id: str, timeout: float) -> Row:
    """Block until the job finishes or `timeout` passes; returns its `outcome`."""
    with events.listen(job_id) as listener:
        with db.session() as session:
            finished = get(session, actor, job_id).status.finished  # raises: not found, not theirs
        # Subscribed before that read: a change after it is an event.
        return wait_listening(db, listener, job_id, timeout, read_first=finished)


def run_and_wait(db: Database, queue: JobQueue, events: JobEvents, script: Script, args: Any,
                 trigger: Trigger, timeout: float) -> Row:
    """Submit a run and wait for it to finish, up to `timeout`; returns its `outcome`.

    The job's events are subscribed to before the job exists, so its end cannot be missed
    and the job is read only once an event (or the poll) says it may have ended."""
    job_id = new_id()
    with events.listen(job_id) as listener:
        submit(db, queue, script, args, trigger, job_id)
        return wait_listening(db, listener, job_id=job_id, timeout=timeout, read_first=False)


def outcome(db: Database, job_id: str) -> Row:
    """The job's id, status, result and error: all a caller waiting for its end is told (a
    Core read of four columns, as a sync run answers with it)."""
    with db.statement() as connection:
        return connection.execute(_outcome_query(), {"job_id": job_id}).one()


@cache
def _outcome_query() -> Select:
    jobs = Job.__table__
    return select(jobs.c.id, jobs.c.status, jobs.c.result, jobs.c.error).where(jobs.c.id == bindparam("job_id"))


def wait_listening(db: Database, listener: JobListener, job_id: str, timeout: float,
                   read_first: bool = True) -> Row:
    """`wait`, on a listener already subscribed to the job's events, for a job the caller may
    see; without `read_first`, the job is read only once an event (or the poll) says it may
    have ended: nothing it did before can have been missed (it was subscribed before the job
    was enqueued, or before the caller's last read)."""
    deadline = time.monotonic() + timeout
    read = read_first
    while True:
        if read:
            job = outcome(db, job_id)
            if job.status.finished or time.monotonic() >= deadline:
                return job
        said = listener.next(max(0.0, min(deadline - time.monotonic(), 0.5)))
        # None: poll, in case a message was lost; a running or progress event needs no read.
        read = said is None or not _still_running(said) or time.monotonic() >= deadline


def _still_running(said: str) -> bool:
    """Whether an event says the job is (still) unfinished: no need to read it again."""
    return said == PROGRESS or said in UNFINISHED


def read_logs(job: Job, offset: int) -> dict[str, Any]:
    logs = job.logs or ""
    offset = max(0, min(offset, len(logs)))
    return {"logs": logs[offset:], "offset": offset, "next_offset": len(logs),
            "truncated": job.logs_truncated, "status": job.status.value}
