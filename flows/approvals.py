"""Approvals: a suspended step waits, without holding a worker, for resume or cancel events.

The step records an approval row with a deadline and the Celery continuation of its task
(the rest of its chain and, inside a parallel loop or branch, its chord), then stops.
Resuming sends that continuation, so the flow carries on exactly where it stopped.
Links are signed with the app secret (HMAC-SHA256), one signature per action.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery import Celery, signature
from celery.exceptions import Ignore
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import Database
from app.errors import InvalidState, NotFound, QueueUnavailable
from app.events import JobEvents
from app.models import ApprovalStatus, FlowApproval, Job, utcnow
from app.services.args import validate_args
from config import Settings
from flows import lifecycle, rows

if TYPE_CHECKING:
    from flows.steps import StepRun

ACTIONS = ("resume", "cancel", "page")
SIGNATURE_HEX = 40


def approval_id(scope_id: str, step_id: str) -> str:
    """Known before the step runs (whatever its attempt), so the step can send its links."""
    return rows.derived_id(scope_id, "approval", step_id)


def sign(secret: str, ws: str, approval: str, action: str) -> str:
    message = f"{ws}/{approval}/{action}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:SIGNATURE_HEX]


def verify(secret: str, ws: str, approval: str, action: str, given: str) -> bool:
    return hmac.compare_digest(sign(secret, ws, approval, action), given or "")


def links(settings: Settings, ws: str, approval: str) -> dict[str, str]:
    """The signed resume and cancel API links, and the approval page for people."""
    base, secret = settings.api_base_url, settings.resolved_secret_key()
    api = f"{base}/api/w/{ws}/approvals/{approval}"
    return {"resume_url": f"{api}/resume/{sign(secret, ws, approval, 'resume')}",
            "cancel_url": f"{api}/cancel/{sign(secret, ws, approval, 'cancel')}",
            "approval_page": f"{base}/approve/{ws}/{approval}/{sign(secret, ws, approval, 'page')}"}


def hold(step: StepRun, row: Job) -> None:
    """Return once the step's approval is resumed; until then record it and stop the task."""
    with step.db.session() as session:
        approval = session.get(FlowApproval, step.approval_id)
    if approval is None:
        _record(step, row)
        step.ctx.events.publish(step.scope.root.id)
        raise Ignore("suspended until approved")
    if approval.status == ApprovalStatus.WAITING:
        raise Ignore("still waiting for approval")


def _record(step: StepRun, row: Job) -> None:
    suspend = step.module.suspend
    # The task's own continuation, carrying its chain and chord, in plain JSON.
    continuation = json.loads(json.dumps(dict(step.task.signature_from_request()), default=str))
    try:
        with step.db.session() as session:
            session.add(FlowApproval(
                id=step.approval_id, workspace_id=row.workspace_id, flow_job_id=step.scope.root.id,
                step_job_id=row.id, step_id=step.module.id, required_events=suspend.required_events,
                events=[], form_schema=suspend.schema, user_auth_required=suspend.user_auth_required,
                deadline=utcnow() + timedelta(seconds=suspend.timeout), continuation=continuation))
            lifecycle.set_suspended(session, step.scope.root.id, True)
    except IntegrityError:  # a twin delivery recorded it first
        pass


def get(db: Database, ws: str, approval: str) -> FlowApproval:
    with db.session() as session:
        found = session.get(FlowApproval, approval)
    if found is None or found.workspace_id != ws:
        raise NotFound(f"approval {approval!r} not found", {"id": approval})
    return found


def resume(db: Database, events: JobEvents, celery: Celery, ws: str, approval: str,
           approver: str, payload: Any) -> FlowApproval:
    """Record one approval; with enough of them, the flow carries on."""
    with db.session() as session:
        found = _waiting(session, ws, approval)
        if found.form_schema:
            validate_args(found.form_schema, payload)
        found.events = [*found.events, {"approver": approver, "payload": payload,
                                        "at": utcnow().isoformat()}]
        released = len(found.events) >= found.required_events
        if released:
            found.status, found.resolved_at, found.resolved_by = ApprovalStatus.RESUMED, utcnow(), approver
            lifecycle.set_suspended(session, found.flow_job_id, False)
    if released:
        _send(db, celery, found)
    events.publish(found.flow_job_id)
    return get(db, ws, approval)


def _send(db: Database, celery: Celery, approval: FlowApproval) -> None:
    try:
        signature(approval.continuation, app=celery).apply_async()
    except Exception as exc:  # kombu raises several unrelated connection error types
        with db.session() as session:
            row = session.get(FlowApproval, approval.id)
            row.status, row.resolved_at = ApprovalStatus.WAITING, None
            lifecycle.set_suspended(session, approval.flow_job_id, True)
        raise QueueUnavailable("the job queue is unavailable", {"reason": str(exc)}) from exc


def reject(db: Database, events: JobEvents, ws: str, approval: str, approver: str) -> FlowApproval:
    """Cancel the approval, and with it the flow."""
    with db.session() as session:
        found = _waiting(session, ws, approval)
        found.status, found.resolved_at, found.resolved_by = ApprovalStatus.CANCELED, utcnow(), approver
    lifecycle.cancel_flow(db, events, found.flow_job_id, {
        "kind": "approval_canceled", "message": f"step {found.step_id!r} was canceled by {approver}"})
    return get(db, ws, approval)


def _waiting(session, ws: str, approval: str) -> FlowApproval:  # noqa: ANN001
    found = session.get(FlowApproval, approval, with_for_update=True)
    if found is None or found.workspace_id != ws:
        raise NotFound(f"approval {approval!r} not found", {"id": approval})
    if found.status != ApprovalStatus.WAITING:
        raise InvalidState(f"approval already {found.status.value}", {"status": found.status.value})
    return found


def expire_due(db: Database, events: JobEvents) -> list[str]:
    """Cancel the flows whose approvals passed their deadline; returns those approval ids."""
    with db.session() as session:
        due = list(session.scalars(select(FlowApproval).where(
            FlowApproval.status == ApprovalStatus.WAITING, FlowApproval.deadline < utcnow())))
        for approval in due:
            approval.status, approval.resolved_at = ApprovalStatus.EXPIRED, utcnow()
    for approval in due:
        lifecycle.cancel_flow(db, events, approval.flow_job_id, {
            "kind": "approval_timeout",
            "message": f"step {approval.step_id!r} was not approved before its deadline"})
    return [approval.id for approval in due]
