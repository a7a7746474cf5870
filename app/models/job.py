"""Jobs: every run of a script, the source of truth for its status, logs and result."""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column, new_id, utcnow


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELED = "canceled"
    SUSPENDED = "suspended"
    """A flow waiting for an approval; no worker is held while it waits."""

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCESS, JobStatus.FAILURE, JobStatus.CANCELED)


class JobKind(str, Enum):
    """What a job row stands for: a script run, or a piece of a flow run."""

    SCRIPT = "script"  # a run of a script, started on its own
    FLOW = "flow"  # a run of a flow: the flow job, or a sub-flow step
    STEP = "step"  # a module of a flow (code steps run in the sandbox like scripts)
    ITERATION = "iteration"  # one iteration of a for-loop module
    BRANCH = "branch"  # one branch of a branch module


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_ws_created", "workspace_id", "created_at"),
        Index("ix_jobs_status_ping", "status", "last_ping_at"),
        Index("ix_jobs_parent_step", "parent_job_id", "step_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    script_path: Mapped[str] = mapped_column(String(255), index=True)
    script_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(32))
    queue: Mapped[str] = mapped_column(String(64), default="default")
    # Plain JSON, not JSONB: Postgres keeps the text as written, so a result's keys keep
    # the order the script returned them in.
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    created_by: Mapped[str] = mapped_column(String(64))
    run_as_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    """The user whose rights the job has (its triggerer, or a schedule's/webhook's owner)."""
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    """The token that started the job, if any (a webhook's token may read only its own jobs)."""
    trigger_kind: Mapped[str] = mapped_column(String(32))
    trigger_label: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_ping_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None]
    worker: Mapped[str | None] = mapped_column(String(255))
    runner: Mapped[str | None] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(default=1)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    result: Mapped[Any | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None]
    logs: Mapped[str] = mapped_column(Text, default="")
    logs_truncated: Mapped[bool] = mapped_column(default=False)
    isolation: Mapped[str | None] = mapped_column(String(16))
    """How the job ran: `container` (a fresh one), `warm`, or `process` (local runner)."""
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind), default=JobKind.SCRIPT,
                                          server_default=JobKind.SCRIPT.value)
    flow_job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    """The flow job a step belongs to (the top one, for steps of sub-flows too)."""
    parent_job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    """The row a step runs inside: its flow, sub-flow, loop iteration or branch."""
    step_id: Mapped[str | None] = mapped_column(String(255))
    """The id of the flow module this row runs."""
    flow_state: Mapped[dict[str, Any] | None]
    """Flow bookkeeping: skipped/stopped marks, loop sizes, the failure being handled."""
