"""Schedules: a cron expression in an IANA timezone that runs one script or flow with fixed args.

Postgres is the source of truth; each enabled schedule is mirrored into one RedBeat entry
(app/beat_entries.py). `ScheduleFiring` rows make every slot fire at most once.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, enum_column, utcnow


class ScheduleTargetKind(str, Enum):
    """What a schedule starts: a script's job or a flow run."""

    SCRIPT = "script"
    FLOW = "flow"


class Schedule(Base):
    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("workspace_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(String(500), default="")
    cron: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[ScheduleTargetKind] = mapped_column(enum_column(ScheduleTargetKind),
                                                           default=ScheduleTargetKind.SCRIPT)
    target_path: Mapped[str] = mapped_column(String(255))
    """The script or flow (by `target_kind`) whose latest version each slot runs."""
    args: Mapped[dict[str, Any]]
    enabled: Mapped[bool] = mapped_column(default=True)
    on_failure_path: Mapped[str | None] = mapped_column(String(255))
    """A script run with {job_id, schedule, error} when one of this schedule's jobs fails."""
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """Whoever saved it last: its jobs run with that user's rights."""
    edited_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    armed_at: Mapped[datetime] = mapped_column(default=utcnow)
    """Since when the current cron/timezone has been enabled: earlier slots are never missed."""
    last_slot: Mapped[datetime | None]
    """The newest slot a job was started for."""
    last_job_id: Mapped[str | None] = mapped_column(String(36))
    last_error: Mapped[dict[str, Any] | None]
    """Why the newest slot started no job (target gone, args no longer valid, owner lost access)."""
    missed_count: Mapped[int] = mapped_column(default=0)
    missed: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    """The latest stretches of missed slots: [{first, last, count, capped, detected_at}]."""


    @property
    def script_path(self) -> str | None:
        """The target script's path; None for a flow schedule."""
        return self.target_path if self.target_kind == ScheduleTargetKind.SCRIPT else None

    @property
    def flow_path(self) -> str | None:
        """The target flow's path; None for a script schedule."""
        return self.target_path if self.target_kind == ScheduleTargetKind.FLOW else None


class ScheduleFiring(Base):
    """One slot of one schedule, claimed before its job is created (unique per slot)."""

    __tablename__ = "schedule_firings"
    __table_args__ = (UniqueConstraint("schedule_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    slot: Mapped[datetime]
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
