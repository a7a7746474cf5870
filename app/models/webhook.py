"""Per-target webhook settings: optional HMAC signing, and which request parts become args.

The signing secret is stored encrypted with the workspace secret box (app/crypto.py), never
hashed: verifying an HMAC needs the secret itself.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, utcnow


class Webhook(Base):
    __tablename__ = "webhooks"
    __table_args__ = (UniqueConstraint("workspace_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(300))
    """What the webhook runs, as run tokens name it: `script/<path>`."""
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    """The signing secret as a Fernet token; None means requests need no signature."""
    secret_created_at: Mapped[datetime | None]
    pass_headers: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    """Request headers handed to the script as its `headers` argument (if it has one)."""
    pass_query: Mapped[bool] = mapped_column(default=False)
    """Hand the query string to the script as its `query` argument (if it has one)."""
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def signed(self) -> bool:
        return self.secret_encrypted is not None
