"""Grants: a level of access to a folder (its ACL) or to one item (a share), for a user or a group."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column, utcnow


class Level(str, Enum):
    """Access levels, each including the ones before it."""

    READ = "read"  # see and run
    WRITE = "write"  # also change
    ADMIN = "admin"  # also grant access to others

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]


LEVEL_RANK = {Level.READ: 1, Level.WRITE: 2, Level.ADMIN: 3}


class TargetKind(str, Enum):
    """What a grant is on: a folder (its ACL) or one path-addressed item (a share)."""

    FOLDER = "folder"
    SCRIPT = "script"
    FLOW = "flow"
    VARIABLE = "variable"
    RESOURCE = "resource"
    SCHEDULE = "schedule"


class PrincipalKind(str, Enum):
    USER = "user"
    GROUP = "group"


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("workspace_id", "target_kind", "target", "principal_kind", "principal_id",
                         name="uq_grants_target_principal"),
        Index("ix_grants_ws_principal", "workspace_id", "principal_kind", "principal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    target: Mapped[str] = mapped_column(String(255))
    """A folder name, or an item path."""
    principal_kind: Mapped[PrincipalKind] = mapped_column(enum_column(PrincipalKind))
    principal_id: Mapped[int]
    level: Mapped[Level] = mapped_column(enum_column(Level))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
