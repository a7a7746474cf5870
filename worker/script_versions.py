"""The script versions a worker process runs, read from the database once each.

A version (a workspace and a content hash) never changes once saved, but for the dependency
lock its first run stores on it: a version with requirements is read each time, so its runs
see the lock as it is stored.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Script
from worker.deps import DependencyError
from worker.deps.requirements import requirements_of

MAX_VERSIONS = 256
"""Versions kept per process, least recently run dropped first (a script is a few kB)."""


def has_requirements(script: Script) -> bool:
    """Whether `script` asks for third-party packages (so carries, or will, a lock)."""
    try:
        return requirements_of(script.language, script.content) is not None
    except DependencyError:  # a malformed header: every run reports it
        return True


class ScriptVersions:
    def __init__(self, size: int = MAX_VERSIONS) -> None:
        self.size = size
        self._versions: OrderedDict[tuple[str, str], Script] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, workspace_id: str, script_hash: str) -> Script:
        """The version, from this process's copies or else from `session` (detached from it
        once the session closes: read its attributes, never change them)."""
        key = (workspace_id, script_hash)
        with self._lock:
            if (script := self._versions.get(key)) is not None:
                self._versions.move_to_end(key)
                return script
        script = session.scalars(select(Script).where(
            Script.workspace_id == workspace_id, Script.hash == script_hash)).one()
        if not has_requirements(script):
            with self._lock:
                self._versions[key] = script
                while len(self._versions) > self.size:
                    self._versions.popitem(last=False)
        return script
