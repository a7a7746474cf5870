"""Runs of flows: start one (a queued flow job plus its start message), cancel it, read its
steps, and act on its approvals."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, require
from app.db import Database
from app.errors import InvalidState, QueueUnavailable
from app.events import JobEvents
from app.models import ApprovalStatus, Flow, FlowApproval, Job, JobKind, TargetKind, utcnow
from app.queue import JobQueue
from app.services import audit, jobs
from app.services.args import validate_args
from app.services.jobs import Trigger
from config import Settings
from flows import approvals, lifecycle
from flows.compiler import START
from flows.definition import DEFAULT_TAG

INLINE_RESULT_BYTES = 64 * 1024
"""Step results up to this size are included in the steps listing; larger ones are fetched
one by one (GET /jobs/<id>), so a page polling a flow never downloads 10 MB results."""
STEP_COLUMNS = (Job.id, Job.parent_job_id, Job.step_id, Job.kind, Job.language, Job.status,
                Job.attempt, Job.script_path, Job.flow_state, Job.error, Job.created_at,
                Job.started_at, Job.finished_at, Job.duration_ms)


def create_flow_job(session: Session, flow: Flow, args: Any, trigger: Trigger) -> Job:
    """Validate `args` against the flow's schema and add its queued flow job."""
    actor = trigger.actor
    require(actor, Action.RUN, TargetKind.FLOW, flow.path)
    job = Job(workspace_id=flow.workspace_id, script_path=flow.path, script_hash=flow.hash,
              language="flow", kind=JobKind.FLOW, queue=flow.value.get("tag", DEFAULT_TAG),
              args=validate_args(flow.schema, args), created_by=actor.name,
              run_as_user_id=actor.user.id, token_id=actor.token.id if actor.token else None,
              trigger_kind=trigger.kind, trigger_label=trigger.label, enqueued_at=utcnow())
    session.add(job)
    session.flush()
    audit.record_for(session, actor, "flow.run", flow.path, job=job.id, trigger=trigger.kind, hash=flow.hash)
    return job


def enqueue(queue: JobQueue, job_id: str, queue_name: str) -> None:
    """Send the flow's start message (its task id is the flow job's id)."""
    try:
        queue.celery.send_task(START, args=[job_id], queue=queue_name, task_id=job_id)
    except Exception as exc:  # kombu raises several unrelated connection error types
        raise QueueUnavailable("the job queue is unavailable", {"reason": str(exc)}) from exc


def submit(db: Database, queue: JobQueue, flow: Flow, args: Any, trigger: Trigger) -> Job:
    """Commit the queued flow job, then send its start message; if sending fails, so does the
    job (a crash in between leaves a queued job that the flow sweeper starts)."""
    with db.session() as session:
        job = create_flow_job(session, flow, args, trigger)
    try:
        enqueue(queue, job.id, job.queue)
    except QueueUnavailable:
        with db.session() as session:
            lifecycle.fail_unstarted(session, job.id)
        raise
    return job


def get_flow_job(session: Session, actor: Actor, job_id: str, *, cancel: bool = False) -> Job:
    job = jobs.get(session, actor, job_id, cancel=cancel)
    if job.kind != JobKind.FLOW or job.parent_job_id is not None:
        raise InvalidState("this job is not a flow run", {"id": job_id, "kind": job.kind.value})
    return job


def cancel(db: Database, events: JobEvents, actor: Actor, job_id: str) -> Job:
    """Cancel the flow run: its queued steps at once, its running steps' containers killed."""
    with db.session() as session:
        job = get_flow_job(session, actor, job_id, cancel=True)
        if job.status.finished:
            raise InvalidState(f"job already {job.status.value}", {"status": job.status.value})
        audit.record_for(session, actor, "job.cancel", job.script_path, job=job_id)
    lifecycle.cancel_flow(db, events, job_id, {"kind": "canceled", "message": f"canceled by {actor.name}"})
    with db.session() as session:
        return jobs.get(session, actor, job_id)


def steps(session: Session, actor: Actor, job_id: str) -> list[dict[str, Any]]:
    """Every row of the run (steps, iterations, branches, sub-flows), oldest first; results
    inline when small."""
    get_flow_job(session, actor, job_id)
    size = func.length(cast(Job.result, Text)).label("result_size")
    found = session.execute(select(*STEP_COLUMNS, size).where(Job.flow_job_id == job_id)
                            .order_by(Job.created_at, Job.id)).all()
    small = [r.id for r in found if r.result_size is not None and r.result_size <= INLINE_RESULT_BYTES]
    results = {}
    if small:
        results = {i: r for i, r in session.execute(select(Job.id, Job.result).where(Job.id.in_(small)))}
    return [{**row._asdict(), "result": results.get(row.id),
             "result_inline": row.result_size is None or row.id in results} for row in found]


def pending_approvals(session: Session, actor: Actor, job_id: str,
                      settings: Settings) -> list[dict[str, Any]]:
    """The flow's approvals, with signed links for those still waiting."""
    get_flow_job(session, actor, job_id)
    found = session.scalars(select(FlowApproval).where(FlowApproval.flow_job_id == job_id)
                            .order_by(FlowApproval.created_at))
    return [describe(a, settings) for a in found]


def describe(approval: FlowApproval, settings: Settings) -> dict[str, Any]:
    data = {"id": approval.id, "flow_job_id": approval.flow_job_id, "step_id": approval.step_id,
            "step_job_id": approval.step_job_id, "status": approval.status.value,
            "required_events": approval.required_events, "events": approval.events,
            "form_schema": approval.form_schema, "user_auth_required": approval.user_auth_required,
            "deadline": approval.deadline, "resolved_by": approval.resolved_by}
    if approval.status == ApprovalStatus.WAITING:
        data.update(approvals.links(settings, approval.workspace_id, approval.id))
    return data
