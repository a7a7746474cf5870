"""The audit log: who did what, to what, when and from where. Append-only."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_ws_created", "workspace_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str | None] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    """A dotted verb, e.g. `script.save`, `job.run`, `token.revoke`, `user.login`."""
    target: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict[str, Any]]
    """Ids and names only: never a secret or a script's arguments."""
    origin: Mapped[str] = mapped_column(String(200), default="")
    """Where the request came from: client address and user agent, or the process kind."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
