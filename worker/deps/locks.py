"""Where locks live: one row per resolved requirement set, and a copy on each script version.

Short sessions only: nothing here holds a transaction while a resolver or installer runs.
`exclusive` serializes the workers that would otherwise resolve or install the same thing
at the same time: a Postgres advisory lock on a connection of its own (in autocommit mode,
so no transaction stays open, and released by Postgres if the worker dies), or, on the
embedded SQLite database (one worker process group on one machine), a lock in this process.
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from app.db import Database
from app.models import DependencyLock, Script

_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


def find(db: Database, language: str, requirements_hash: str) -> str | None:
    """The lock of a requirement set resolved before, if any."""
    with db.session() as session:
        return session.scalar(select(DependencyLock.lock).where(
            DependencyLock.language == language,
            DependencyLock.requirements_hash == requirements_hash))


def save(db: Database, language: str, requirements_hash: str, requirements: str, lock: str,
         lock_hash: str) -> None:
    """Record a resolution; a row someone saved meanwhile is kept (theirs is as good)."""
    try:
        with db.session() as session:
            session.add(DependencyLock(language=language, requirements_hash=requirements_hash,
                                       requirements=requirements, lock=lock, lock_hash=lock_hash))
    except IntegrityError:
        pass


def remember(db: Database, workspace_id: str, script_hash: str, lock: str, lock_hash: str) -> None:
    """Store the lock with the script version (a flow's inline code has no row: no-op)."""
    with db.session() as session:
        session.execute(update(Script).where(
            Script.workspace_id == workspace_id, Script.hash == script_hash,
            Script.dependency_lock.is_(None)).values(dependency_lock=lock, dependency_lock_hash=lock_hash))


@contextmanager
def exclusive(db: Database, name: str) -> Iterator[None]:
    """Hold the lock called `name` among every worker sharing the database."""
    if db.engine.dialect.name != "postgresql":
        with _local_lock(name):
            yield
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def _local_lock(name: str) -> threading.Lock:
    with _local_locks_guard:
        return _local_locks.setdefault(name, threading.Lock())
