"""Per-process worker objects, built on first use after the pool has forked."""
from __future__ import annotations

import os

from celery import current_app

from app.db import Database
from app.events import JobEvents, redis_client
from app.queue import JobQueue
from config import Settings
from worker.executor import JobExecutor
from worker.sandbox import make_backend
from worker.sandbox.base import SandboxBackend
from worker.sandbox.pool import OWNER_TTL_S, pool_owner_key
from worker.sweeper import Sweeper


class WorkerContext:
    def __init__(self, settings: Settings, celery) -> None:
        self.settings = settings
        self.db = Database(settings.resolved_database_url())
        self.events = JobEvents(redis_client(settings.redis_url))
        self.queue = JobQueue(celery)
        self._backend: SandboxBackend | None = None

    def backend(self) -> SandboxBackend:
        """The backend that runs this process's jobs (with its container pool, if any)."""
        if self._backend is None:
            self._backend = make_backend(self.settings, pooled=True, pool_heartbeat=self._pool_alive)
        return self._backend

    def _pool_alive(self, owner: str) -> None:
        self.events.client.set(pool_owner_key(owner), "1", ex=OWNER_TTL_S)

    def executor(self) -> JobExecutor:
        return JobExecutor(self.settings, self.db, self.events, self.backend())

    def sweeper(self) -> Sweeper:
        # The janitor needs no pool: reuse this process's backend if it has one, else a plain one.
        backend = self._backend or make_backend(self.settings)
        return Sweeper(self.settings, self.db, self.events, self.queue, backend)


_context: WorkerContext | None = None
_context_pid: int | None = None


def worker_context() -> WorkerContext:
    """This process's context; rebuilt in a forked child so no connection crosses a fork."""
    global _context, _context_pid
    if _context is None or _context_pid != os.getpid():
        _context = WorkerContext(current_app.conf.taskmill_settings, current_app)
        _context_pid = os.getpid()
    return _context
