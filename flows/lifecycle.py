"""Ending flow runs: success, stop, failure, cancel; and closing what still runs under them.

Used by the worker (a flow finishes, a step stops or fails it, an approval expires) and by
the web tier (a user cancels a flow). Every change is a guarded status transition, so two
parties ending the same flow at once settle it once.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.events import JobEvents
from app.models import ApprovalStatus, FlowApproval, Job, JobStatus, utcnow
from app.services import schedules
from flows import rows

ENDED = {"kind": "canceled", "message": "the flow ended before this step finished"}


def _descendant_ids(session: Session, row: Job) -> list[str]:
    if row.parent_job_id is None:
        return list(session.scalars(select(Job.id).where(Job.flow_job_id == row.id)))
    found, frontier = [], [row.id]
    while frontier:
        frontier = list(session.scalars(select(Job.id).where(Job.parent_job_id.in_(frontier))))
        found += frontier
    return found


def close_descendants(session: Session, row: Job, error: dict[str, Any] = ENDED) -> None:
    """Cancel what is queued or waiting under `row`, and ask running code steps to stop
    (their worker's heartbeat sees the flag and kills the container)."""
    ids = _descendant_ids(session, row)
    now = utcnow()
    for chunk in (ids[i:i + 1000] for i in range(0, len(ids), 1000)):
        mine = Job.id.in_(chunk)
        session.execute(update(Job).where(mine, Job.status == JobStatus.QUEUED)
                        .values(status=JobStatus.CANCELED, finished_at=now, error=error, duration_ms=0))
        # Containers (loops, branches, sub-flows) have no worker of their own.
        session.execute(update(Job).where(mine, Job.status.in_([JobStatus.RUNNING, JobStatus.SUSPENDED]),
                                          Job.worker.is_(None))
                        .values(status=JobStatus.CANCELED, finished_at=now, error=error))
        session.execute(update(Job).where(mine, Job.status == JobStatus.RUNNING, Job.worker.is_not(None))
                        .values(cancel_requested=True))
    if row.parent_job_id is None:
        session.execute(update(FlowApproval).where(FlowApproval.flow_job_id == row.id,
                                                   FlowApproval.status == ApprovalStatus.WAITING)
                        .values(status=ApprovalStatus.CANCELED, resolved_at=now))


def end_flow(db: Database, events: JobEvents, flow_row_id: str, status: JobStatus, *,
             result: Any = None, error: dict | None = None, state: dict | None = None) -> bool:
    """Settle a flow row (the flow job or a sub-flow step) and close what runs under it."""
    with db.session() as session:
        row = session.get(Job, flow_row_id, with_for_update=True)
        if row is None or row.status.finished:
            return False
        flow_state = {**(row.flow_state or {}), **(state or {})}
        rows.finish(session, row, status, result=result, error=error, flow_state=flow_state)
        close_descendants(session, row)
    events.publish(flow_row_id, status.value)
    with db.session() as session:  # a failed scheduled flow run gets its schedule's on_failure script
        schedules.on_job_finished(session.get(Job, flow_row_id))
    return True


def cancel_flow(db: Database, events: JobEvents, root_id: str, error: dict[str, Any]) -> bool:
    """Cancel a whole flow run: the flow job, its steps, its pending approvals."""
    return end_flow(db, events, root_id, JobStatus.CANCELED, error=error)


def mark_failing(db: Database, root_id: str, failure: dict[str, Any]) -> bool:
    """Record the failure a flow is handling; True only for the first caller, so the
    failure module runs once however many parallel steps fail."""
    with db.session() as session:
        root = session.get(Job, root_id, with_for_update=True)
        if root.status.finished or (root.flow_state or {}).get("failure"):
            return False
        root.flow_state = {**(root.flow_state or {}), "failure": failure}
    return True


def set_suspended(session: Session, root_id: str, suspended: bool) -> None:
    """A flow waiting for an approval is `suspended`; back to `running` once none waits."""
    if suspended:
        rows.transition(session, root_id, [JobStatus.RUNNING], status=JobStatus.SUSPENDED)
        return
    waiting = session.scalar(select(FlowApproval.id).where(
        FlowApproval.flow_job_id == root_id, FlowApproval.status == ApprovalStatus.WAITING).limit(1))
    if waiting is None:
        rows.transition(session, root_id, [JobStatus.SUSPENDED], status=JobStatus.RUNNING)


def fail_unstarted(session: Session, job_id: str) -> None:
    """A flow job whose start message could not be sent."""
    rows.transition(session, job_id, [JobStatus.QUEUED], status=JobStatus.FAILURE, finished_at=utcnow(),
                    duration_ms=0, error={"kind": "queue", "message": "could not enqueue the flow"})
