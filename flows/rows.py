"""Job rows of a flow run: deterministic ids, idempotent inserts, guarded status changes.

Every piece of a flow run (the flow, each step attempt, each loop iteration and branch) is
a job row whose id is derived from its place in the run. A redelivered or duplicated task
therefore finds the row it would create instead of making a second one, which is what
makes every flow task safe to run twice.
"""
from __future__ import annotations

import uuid
from typing import Any, Iterable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Job, JobKind, JobStatus, utcnow

NAMESPACE = uuid.UUID("8f0c7f5e-2f55-4c8e-9a55-3f6f2b8a1d10")
"""Namespace of the uuid5 ids of flow rows."""
LIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUSPENDED)


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def step_row_id(scope_id: str, step_id: str, attempt: int = 1) -> str:
    return derived_id(scope_id, "step", step_id, attempt)


def iteration_row_id(loop_row_id: str, index: int) -> str:
    return derived_id(loop_row_id, "iter", index)


def branch_row_id(row_id: str, index: int | str) -> str:
    return derived_id(row_id, "branch", index)


def child_values(parent: Job, root: Job, **values: Any) -> dict[str, Any]:
    """Columns a new row inherits: workspace, runner, trigger, the flow it belongs to."""
    inherited = dict(workspace_id=parent.workspace_id, created_by=parent.created_by,
                     run_as_user_id=parent.run_as_user_id, token_id=parent.token_id,
                     trigger_kind="flow", trigger_label=root.script_path, queue=parent.queue,
                     script_path=parent.script_path, script_hash=parent.script_hash,
                     flow_job_id=root.id, parent_job_id=parent.id, args={})
    inherited.update(values)
    return inherited


def insert(db: Database, job_id: str, **values: Any) -> Job:
    """The row `job_id`, inserted with `values` unless it exists already."""
    return insert_new(db, job_id, **values)[0]


def insert_new(db: Database, job_id: str, **values: Any) -> tuple[Job, bool]:
    """Like `insert`, and whether this call inserted it (False: the row existed)."""
    now = utcnow()
    values.setdefault("created_at", now)
    values.setdefault("enqueued_at", now)
    if values.get("status") == JobStatus.RUNNING:
        values.setdefault("started_at", now)
    row = Job(id=job_id, **values)
    try:
        with db.session() as session:
            session.add(row)
        return row, True
    except IntegrityError:  # it exists: a twin or earlier delivery inserted it first
        return get(db, job_id), False


def get(db: Database, job_id: str) -> Job:
    with db.session() as session:
        return session.get(Job, job_id)


def transition(session: Session, job_id: str, from_statuses: Iterable[JobStatus],
               **values: Any) -> bool:
    """Change the row only if its status is one of `from_statuses`; True if it changed."""
    done = session.execute(update(Job).where(Job.id == job_id, Job.status.in_(list(from_statuses)))
                           .values(**values))
    return done.rowcount == 1


def finish(session: Session, job: Job, status: JobStatus, *, result: Any = None,
           error: dict | None = None, flow_state: dict | None = None) -> bool:
    """Settle a live row; False if something else settled it first."""
    now = utcnow()
    started = job.started_at or now
    values: dict[str, Any] = dict(status=status, result=result, error=error, finished_at=now,
                                  duration_ms=int((now - started).total_seconds() * 1000))
    if flow_state is not None:
        values["flow_state"] = flow_state
    return transition(session, job.id, LIVE, **values)


def latest_attempt(session: Session, scope_id: str, step_id: str) -> Job | None:
    """The newest row of module `step_id` in the scope (retries add attempts)."""
    return session.scalars(select(Job).where(Job.parent_job_id == scope_id, Job.step_id == step_id,
                                             Job.kind.in_([JobKind.STEP, JobKind.FLOW]))
                           .order_by(Job.attempt.desc()).limit(1)).first()


def children(session: Session, parent_id: str, kind: JobKind) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.parent_job_id == parent_id, Job.kind == kind)
                                .order_by(Job.created_at, Job.id)))
