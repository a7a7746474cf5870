"""Recording and reading the audit log.

Events are written in the same transaction as the change they describe, so the log has
an entry exactly when the change happened. Details carry ids and names, never values.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.authz import Actor, require_admin
from app.models import AuditEvent

USER_AGENT_LENGTH = 120


def origin() -> str:
    """The client address and user agent of the current request, or `background`."""
    if not has_request_context():
        return "background"
    agent = (request.user_agent.string or "")[:USER_AGENT_LENGTH]
    return f"{request.remote_addr or '?'} {agent}".strip()


def record(session: Session, actor_name: str, action: str, target: str = "", *,
           workspace_id: str | None = None, **details: Any) -> None:
    """Write one event in the session's transaction, after the session's pending changes
    (which it may name). A Core insert: every run request writes one."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    session.connection().execute(insert(AuditEvent.__table__), dict(
        workspace_id=workspace_id, actor=actor_name, action=action, target=target, details=details,
        origin=origin()))


def record_for(session: Session, actor: Actor, action: str, target: str = "", **details: Any) -> None:
    """An event by `actor` in its workspace; notes the token when one was used."""
    if actor.token is not None:
        details.setdefault("token", actor.token.prefix)
    record(session, actor.name, action, target, workspace_id=actor.ws_id, **details)


def search(session: Session, actor: Actor, *, who: str = "", action: str = "", target: str = "",
           since: datetime | None = None, until: datetime | None = None, page: int = 1,
           per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """The workspace's events, newest first, filtered (workspace admins only)."""
    require_admin(actor)
    query = select(AuditEvent).where(AuditEvent.workspace_id == actor.ws_id)
    if who:
        query = query.where(AuditEvent.actor == who)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if target:
        query = query.where(AuditEvent.target.startswith(target, autoescape=True))
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total
