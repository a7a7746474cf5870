"""Variables: path-addressed strings; secrets are stored only as Fernet tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Variable(Base):
    __tablename__ = "variables"
    __table_args__ = (UniqueConstraint("workspace_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    is_secret: Mapped[bool] = mapped_column(default=False)
    value: Mapped[str | None] = mapped_column(Text)
    """The plain value of a non-secret variable; NULL for secrets."""
    value_encrypted: Mapped[str | None] = mapped_column(Text)
    """The Fernet token of a secret's value; NULL for non-secrets."""
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
