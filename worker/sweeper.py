"""Finds jobs that nothing is working on any more and settles them.

- running jobs whose heartbeat stopped (worker killed, machine lost): failed, or re-queued
  when `lost_job_policy = requeue`;
- queued jobs whose message may have been lost: their message is sent again (run_job's
  atomic claim makes a duplicate harmless).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from app.db import Database
from app.events import JobEvents
from app.models import Job, JobKind, JobStatus, utcnow
from app.queue import JobQueue
from app.services import schedules
from config import Settings
from flows.sweep import FlowSweep
from worker.sandbox.base import SandboxBackend
from worker.sandbox.pool import pool_owner_key

log = logging.getLogger(__name__)

LOST_ERROR = {"kind": "worker_lost", "message": "the worker running this job stopped "
              "responding (killed or crashed); the job did not finish", "traceback": None,
              "exit_code": None}


class Sweeper:
    def __init__(self, settings: Settings, db: Database, events: JobEvents, queue: JobQueue,
                 backend: SandboxBackend) -> None:
        self.settings, self.db, self.events, self.queue = settings, db, events, queue
        self.backend = backend

    def sweep(self) -> dict[str, list[str]]:
        """One pass; returns the ids it settled, by action."""
        lost = self._settle_lost()
        resent = self._resend_stale_queued()
        for job_id in lost + resent:
            self.events.publish(job_id)
        flows = FlowSweep(self.settings, self.db, self.events, self.queue).sweep()
        return {"lost": lost, "resent": resent, "reaped": self._reap_orphans(), **flows}

    def _reap_orphans(self) -> int:
        try:
            return self.backend.reap_orphans(
                lambda owner: bool(self.events.client.exists(pool_owner_key(owner))))
        except Exception:  # the janitor retries on the next pass
            log.warning("could not reap orphaned pool containers", exc_info=True)
            return 0

    def _settle_lost(self) -> list[str]:
        cutoff = utcnow() - timedelta(seconds=self.settings.stale_after_s)
        with self.db.session() as session:
            ids = list(session.scalars(select(Job.id).where(
                Job.status == JobStatus.RUNNING, Job.last_ping_at < cutoff)))
            for job_id in ids:
                self._settle_one(session, job_id, cutoff)
        for job_id in ids:
            self._discard(job_id)
        if self.settings.lost_job_policy == "fail":
            with self.db.session() as session:
                for job_id in ids:
                    schedules.on_job_finished(session.get(Job, job_id))
        if self.settings.lost_job_policy == "requeue":
            for job_id in ids:
                if self._kind_of(job_id) == JobKind.SCRIPT:  # a flow step's own task re-runs it
                    self.queue.enqueue(job_id, self._queue_of(job_id))
        return ids

    def _settle_one(self, session, job_id: str, cutoff) -> None:
        still_lost = (Job.id == job_id) & (Job.status == JobStatus.RUNNING) & (Job.last_ping_at < cutoff)
        if self.settings.lost_job_policy == "requeue":
            values = {"status": JobStatus.QUEUED, "attempt": Job.attempt + 1, "logs": Job.logs +
                      "\n[taskmill: worker lost; job re-queued]\n", "enqueued_at": utcnow()}
        else:
            values = {"status": JobStatus.FAILURE, "finished_at": utcnow(), "error": LOST_ERROR}
        session.execute(update(Job).where(still_lost).values(**values))  # its token ends with it
        log.warning("job %s lost its worker: %s", job_id, self.settings.lost_job_policy)

    def _discard(self, job_id: str) -> None:
        try:
            self.backend.discard(job_id)
        except Exception:  # the job is settled either way; a leftover is logged, not fatal
            log.warning("could not remove what lost job %s left behind", job_id, exc_info=True)

    def _kind_of(self, job_id: str) -> JobKind:
        with self.db.session() as session:
            return session.get(Job, job_id).kind

    def _queue_of(self, job_id: str) -> str:
        with self.db.session() as session:
            return session.get(Job, job_id).queue

    def _resend_stale_queued(self) -> list[str]:
        cutoff = utcnow() - timedelta(seconds=self.settings.requeue_queued_after_s)
        with self.db.session() as session:
            stale = list(session.execute(select(Job.id, Job.queue).where(
                Job.status == JobStatus.QUEUED, Job.enqueued_at < cutoff, Job.kind == JobKind.SCRIPT)))
            session.execute(update(Job).where(Job.id.in_([i for i, _ in stale]))
                            .values(enqueued_at=utcnow()))
        for job_id, queue in stale:
            self.queue.enqueue(job_id, queue)
        return [job_id for job_id, _ in stale]
