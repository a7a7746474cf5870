"""Third-party dependencies of jobs: requirements, locks, cached environments, Go binaries.

The executor asks `needs_of(script)` while it loads the job (cheap: no parsing), then, once
its session is closed and the job's heartbeat runs, `installer_for(...).prepare(...)`, which
returns the run spec with `deps` pointing at the prepared environment or binary. See
`installer` for the steps and `tools` for where they run.
"""
from __future__ import annotations

from app.db import Database
from app.models import Script
from config import Settings
from worker.deps.errors import DependencyError
from worker.deps.installer import Installer, Needs
from worker.deps.tools import DockerTools, LocalTools
from worker.sandbox.base import SandboxBackend
from worker.sandbox.pool import POOL_LABEL

LANGUAGES_WITH_DEPENDENCIES = ("python", "typescript", "go")


def needs_of(script: Script) -> Needs | None:
    """What preparing `script` takes, or None for languages that have nothing to prepare."""
    if script.language not in LANGUAGES_WITH_DEPENDENCIES:
        return None
    return Needs(language=script.language, code=script.content, workspace_id=script.workspace_id,
                 script_hash=script.hash, lock=getattr(script, "dependency_lock", None))


def installer_for(backend: SandboxBackend, settings: Settings, db: Database) -> Installer:
    """The installer matching where `backend` runs jobs: its engine's volume, or the host."""
    if backend.name == "docker":
        pool = getattr(backend, "pool", None)
        # Pooled containers' owner label lets the janitor remove an install container whose
        # worker died mid-install; without a pool there is no owner heartbeat to go by.
        labels = {POOL_LABEL: pool.owner} if pool is not None else {}
        return Installer(db, DockerTools(settings, backend.client, labels))
    return Installer(db, LocalTools(settings))


__all__ = ["DependencyError", "Installer", "Needs", "installer_for", "needs_of"]
