"""What each dependency cache holds, and when a job last used it (`dependency_environments`).

A row is written once the tool has said an environment (or a Go binary) is installed, and a
use is noted at most once per NOTE_EVERY_S per worker process. The collector deletes the row
of an environment unused for longer than the retention *before* it deletes the folder, with
one conditional statement each side, so a use and a removal never both win: a use that comes
after the row is gone finds no row and installs again (under the same advisory lock as the
removal, so after it), and a removal that comes after a use finds the row too recent.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.db import Database
from app.models import DependencyEnvironment, utcnow

NOTE_EVERY_S = 3600.0
"""How long a worker process trusts an environment it found or noted without noting it
again: well under any retention (a day at least), so what a process trusts is never old
enough to be collected."""
ENVIRONMENTS = DependencyEnvironment.__table__


def installed(db: Database, cache: str, language: str, key: str) -> None:
    """Record that the cache holds this environment, used now (it may already be recorded)."""
    now = utcnow()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ENVIRONMENTS).values(cache=cache, language=language, key=key,
                                                    last_used_at=now, created_at=now)
    statement = statement.on_conflict_do_update(index_elements=["cache", "language", "key"],
                                                set_={"last_used_at": now})
    with db.statement() as connection:
        connection.execute(statement)


def used(db: Database, cache: str, language: str, key: str) -> bool:
    """Note a use of a recorded environment; False when there is no row (never recorded, or
    being collected): the caller must then have the tool install it again."""
    with db.statement() as connection:
        return connection.execute(update(ENVIRONMENTS).where(
            ENVIRONMENTS.c.cache == cache, ENVIRONMENTS.c.language == language,
            ENVIRONMENTS.c.key == key).values(last_used_at=utcnow())).rowcount == 1


def unused_since(db: Database, cache: str, cutoff: datetime) -> list[tuple[str, str]]:
    """(language, key) of the cache's environments last used before `cutoff`."""
    with db.statement() as connection:
        return [(row.language, row.key) for row in connection.execute(
            select(ENVIRONMENTS.c.language, ENVIRONMENTS.c.key).where(
                ENVIRONMENTS.c.cache == cache, ENVIRONMENTS.c.last_used_at < cutoff)
            .order_by(ENVIRONMENTS.c.last_used_at))]


def forget(db: Database, cache: str, language: str, key: str, cutoff: datetime) -> bool:
    """Delete the row if the environment is still unused since before `cutoff`; whether it was
    (a use meanwhile keeps it)."""
    with db.statement() as connection:
        return connection.execute(delete(ENVIRONMENTS).where(
            ENVIRONMENTS.c.cache == cache, ENVIRONMENTS.c.language == language,
            ENVIRONMENTS.c.key == key, ENVIRONMENTS.c.last_used_at < cutoff)).rowcount == 1
