"""Removes the dependency environments and Go binaries no job used for the retention period
(`TASKMILL_DEPS_RETENTION_DAYS`), run by beat every few hours (`taskmill.collect_dependencies`).

An environment's row goes first, and only if it is still unused (environments.forget), under
the advisory lock its installs take; then its folder. A job that comes for it afterwards
finds no row and installs it again, after the removal (the lock). A removal that fails
leaves a folder without a row: the next use finds it with the tool's check (`present`).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from app.db import Database
from app.models import utcnow
from worker.deps import environments, locks
from worker.deps.installer import lock_name
from worker.deps.tools import Tools

log = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 1.0
"""Below this, an environment a worker process still trusts without asking (environments.
NOTE_EVERY_S) could be collected under it."""


def collect(db: Database, tools: Tools, retention_days: float) -> list[tuple[str, str]]:
    """Remove the cache's environments unused for `retention_days`; returns what was removed."""
    cutoff = utcnow() - timedelta(days=max(retention_days, MIN_RETENTION_DAYS))
    removed = []
    for language, key in environments.unused_since(db, tools.cache_id, cutoff):
        with locks.exclusive(db, lock_name(language, key)):
            if not environments.forget(db, tools.cache_id, language, key, cutoff):
                continue  # a job used it meanwhile
            try:
                tools.remove(language, key)
            except Exception:  # its folder stays, without a row: the next use checks it again
                log.warning("could not remove %s environment %s", language, key, exc_info=True)
                continue
        removed.append((language, key))
        log.info("removed %s environment %s: unused for %g days", language, key, retention_days)
    return removed
