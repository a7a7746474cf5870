"""API tokens: only a SHA-256 digest is stored; the secret is shown once at creation."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, enum_column, utcnow
from app.models.user import User


class TokenScope(str, Enum):
    ALL = "all"  # everything the user may do
    READ_ONLY = "read_only"  # only reads, whatever the user may write
    RUN = "run"  # only run one target (and read the jobs it started): webhooks
    JOB = "job"  # issued to one running job, revoked when it ends


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str | None] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope), default=TokenScope.ALL)
    run_target: Mapped[str | None] = mapped_column(String(300))
    """With scope `run`: the one target, e.g. `script/u/alice/hello`."""
    job_id: Mapped[str | None] = mapped_column(String(36), index=True)
    """With scope `job`: the job the token was issued to."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    def is_active(self, now: datetime) -> bool:
        expired = self.expires_at is not None and self.expires_at <= now
        return self.revoked_at is None and not expired
