"""Flows and their approvals.

A flow version is one row per content hash, like a script; the newest row of a path is its
latest version. An approval is the record a suspended flow step leaves behind: who may
resume it, until when, and the Celery continuation to send when it is resumed.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column, utcnow


class Flow(Base):
    __tablename__ = "flows"
    __table_args__ = (
        UniqueConstraint("workspace_id", "hash"),
        Index("ix_flows_ws_path_created", "workspace_id", "path", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    hash: Mapped[str] = mapped_column(String(64))
    parent_hash: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Plain JSON, not JSONB: Postgres keeps the text as written, so the definition reads back
    # with its keys in the author's order.
    schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    """JSON Schema of the flow's inputs."""
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The rest of the definition: modules, failure_module, tag (see flows.definition)."""
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived: Mapped[bool] = mapped_column(default=False)


class ApprovalStatus(str, Enum):
    WAITING = "waiting"
    RESUMED = "resumed"
    CANCELED = "canceled"
    EXPIRED = "expired"


class FlowApproval(Base):
    """A suspended step waiting for `required_events` approvals before `deadline`."""

    __tablename__ = "flow_approvals"
    __table_args__ = (Index("ix_flow_approvals_status_deadline", "status", "deadline"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """The resume id; derived from the step job's id so links can be made before it exists."""
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    flow_job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    step_job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[ApprovalStatus] = mapped_column(enum_column(ApprovalStatus),
                                                   default=ApprovalStatus.WAITING)
    required_events: Mapped[int] = mapped_column(default=1)
    events: Mapped[Any] = mapped_column(default=list)
    """Approvals received so far: [{approver, payload, at}]."""
    form_schema: Mapped[dict[str, Any] | None]
    """JSON Schema of the payload an approver sends (the resume form)."""
    user_auth_required: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[datetime]
    continuation: Mapped[dict[str, Any]]
    """The Celery signature that carries the flow on once resumed."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
