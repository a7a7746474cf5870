"""Script versions: one row per content hash; the newest row of a path is its latest version."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Script(Base):
    __tablename__ = "scripts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "hash"),
        Index("ix_scripts_ws_path_created", "workspace_id", "path", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    hash: Mapped[str] = mapped_column(String(64))
    parent_hash: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    schema: Mapped[dict[str, Any]]
    tag: Mapped[str] = mapped_column(String(64), default="default")
    timeout_s: Mapped[float | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived: Mapped[bool] = mapped_column(default=False)
    isolation: Mapped[str] = mapped_column(String(16), default="")
    """`container`, `warm`, or empty for the worker group's default (TASKMILL_ISOLATION)."""
    dependency_lock: Mapped[str | None] = mapped_column(Text)
    """The version's third-party dependencies, resolved once and pinned (pip's requirements with
    hashes for Python, package.json and bun.lock for TypeScript); None until its first run
    resolves them, or when it has none (see worker/deps)."""
    dependency_lock_hash: Mapped[str | None] = mapped_column(String(64))
    """Names the cached environment installed from that lock."""


class DependencyLock(Base):
    """A resolved requirement set, shared by every script version that asks for the same one:
    a set is resolved once, and the same lock (so the same cached environment) serves all."""

    __tablename__ = "dependency_locks"

    language: Mapped[str] = mapped_column(String(32), primary_key=True)
    requirements_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    requirements: Mapped[str] = mapped_column(Text)
    lock: Mapped[str] = mapped_column(Text)
    lock_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DependencyEnvironment(Base):
    """An installed environment (Python, TypeScript) or a built Go binary in a dependency
    cache, and when a job last used it: the collector removes the ones unused for longer
    than the retention (worker/deps/collector.py). A row exists only for what is installed."""

    __tablename__ = "dependency_environments"

    cache: Mapped[str] = mapped_column(String(255), primary_key=True)
    """Which cache holds it (a Docker volume, or a folder of the local runner)."""
    language: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
