"""The flows' part of the sweeper pass: approvals past their deadline cancel their flow,
flow jobs still queued long after they were sent get their start message again, and
running flows that stopped moving are re-driven or failed (flows.stalls)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.db import Database
from app.events import JobEvents
from app.models import Job, JobKind, JobStatus, utcnow
from app.queue import JobQueue
from config import Settings
from flows import approvals
from flows.stalls import StallSweep


class FlowSweep:
    def __init__(self, settings: Settings, db: Database, events: JobEvents, queue: JobQueue) -> None:
        self.settings, self.db, self.events, self.queue = settings, db, events, queue

    def sweep(self) -> dict[str, list[str]]:
        return {"expired_approvals": approvals.expire_due(self.db, self.events),
                "restarted_flows": self._restart_stale_queued(),
                **StallSweep(self.settings, self.db, self.events, self.queue).sweep()}

    def _restart_stale_queued(self) -> list[str]:
        # The start task's claim makes a duplicate message harmless.
        from app.services.flow_runs import enqueue
        cutoff = utcnow() - timedelta(seconds=self.settings.requeue_queued_after_s)
        with self.db.session() as session:
            stale = list(session.execute(select(Job.id, Job.queue).where(
                Job.kind == JobKind.FLOW, Job.parent_job_id.is_(None), Job.status == JobStatus.QUEUED,
                Job.enqueued_at < cutoff)))
            session.execute(update(Job).where(Job.id.in_([i for i, _ in stale])).values(enqueued_at=utcnow()))
        for job_id, queue in stale:
            enqueue(self.queue, job_id, queue)
        return [job_id for job_id, _ in stale]
