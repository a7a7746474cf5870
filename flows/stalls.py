"""Stalled flow runs: runs still `running` whose Celery message was lost (Redis flushed, a
message dropped, a worker killed after its message was purged), found by the sweeper.

A run is stalled when nothing under it moved for `flow_stall_after_s`: no row created,
started or finished, no heartbeat of a running step, no approval resolved, no re-drive sent,
and no timed wait still due (the `sleep` after a step, the backoff before a retry). Runs
that are `suspended` wait for people, and the approval deadline sweeper ends them; they are
left alone, as are runs with a step running on a live worker (its heartbeat is progress).

A stalled run is **re-driven**: every flow task is idempotent against the rows (see
flows.steps), so sending the run's start message again rebuilds its chain from the
definition, and each module task finds its row and carries on from there (finished steps
are skipped, never run again; a queued step runs; a finished sleep or backoff is not waited
again). A run, or a sub-flow, that was running its failure module gets that chain again.
After `flow_stall_redrives` re-drives in a row with no progress in between, the run fails
with error kind `stalled`, naming what was still waiting; its failure module does not run,
since whatever keeps the run from moving would keep that from running too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import signature
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.events import JobEvents
from app.models import ApprovalStatus, FlowApproval, Job, JobKind, JobStatus, utcnow
from app.queue import JobQueue
from config import Settings
from flows import compiler, lifecycle
from flows.definition import FlowModule
from flows.scope import load_scope

STALL_COUNT_KEY = "stall_redrives"
"""Key in the flow job's flow_state: re-drives sent since the run last made progress."""


@dataclass
class QuietRun:
    """A running flow job whose own row has not moved for the stall period."""

    id: str
    queue: str
    started_at: datetime
    enqueued_at: datetime
    """When a message to drive it was last sent (its start, or the last re-drive)."""
    flow_state: dict[str, Any]


class StallSweep:
    def __init__(self, settings: Settings, db: Database, events: JobEvents, queue: JobQueue) -> None:
        self.settings, self.db, self.events, self.queue = settings, db, events, queue

    def sweep(self) -> dict[str, list[str]]:
        """Re-drive or fail each stalled run; returns their ids."""
        cutoff = utcnow() - timedelta(seconds=self.settings.flow_stall_after_s)
        redriven, failed = [], []
        with self.db.session() as session:
            quiet = self._quiet_runs(session, cutoff)
            progress = self._last_progress(session, quiet)
        for run in quiet:
            moved = progress[run.id]
            if moved >= cutoff:
                continue
            redrives = run.flow_state.get(STALL_COUNT_KEY, 0) if _no_progress_since(moved, run) else 0
            limit = self.settings.flow_stall_redrives
            if limit and redrives >= limit:
                if self._fail(run, redrives):
                    failed.append(run.id)
            elif self._claim_redrive(run, redrives + 1):
                self._redrive(run)
                redriven.append(run.id)
        return {"redriven_flows": redriven, "stalled_flows": failed}

    # -- finding them ---------------------------------------------------------------------
    def _quiet_runs(self, session: Session, cutoff: datetime) -> list[QuietRun]:
        found = session.execute(select(Job.id, Job.queue, Job.started_at, Job.enqueued_at, Job.flow_state).where(
            Job.kind == JobKind.FLOW, Job.parent_job_id.is_(None), Job.status == JobStatus.RUNNING,
            Job.started_at < cutoff, Job.enqueued_at < cutoff))
        return [QuietRun(r.id, r.queue, r.started_at, r.enqueued_at, r.flow_state or {}) for r in found]

    def _last_progress(self, session: Session, runs: list[QuietRun]) -> dict[str, datetime]:
        """Per run: the last time it or anything under it moved, or a timed wait is due
        (maybe in the future); runs waiting for an approval count as moving now."""
        if not runs:
            return {}
        latest: dict[str, list[datetime]] = {run.id: [run.started_at] for run in runs}
        run_ids = list(latest)
        moves = session.execute(select(Job.flow_job_id, func.max(Job.created_at), func.max(Job.started_at),
                                       func.max(Job.finished_at), func.max(Job.last_ping_at))
                                .where(Job.flow_job_id.in_(run_ids)).group_by(Job.flow_job_id))
        for run_id, *times in moves:
            latest[run_id] += [t for t in times if t is not None]
        approvals = session.execute(select(FlowApproval.flow_job_id, FlowApproval.status, FlowApproval.resolved_at)
                                    .where(FlowApproval.flow_job_id.in_(run_ids)))
        for run_id, status, resolved_at in approvals:
            latest[run_id].append(utcnow() if status == ApprovalStatus.WAITING else resolved_at)
        for run_id, due in self._timed_waits(session, run_ids):
            latest[run_id].append(due)
        return {run_id: max(t for t in times if t is not None) for run_id, times in latest.items()}

    def _timed_waits(self, session: Session, run_ids: list[str]) -> list[tuple[str, datetime]]:
        """When the sleeps after finished steps, and the backoffs before queued retries, end."""
        rows = session.execute(select(Job.flow_job_id, Job.parent_job_id, Job.step_id, Job.status,
                                      Job.attempt, Job.created_at, Job.finished_at, Job.flow_state).where(
            Job.flow_job_id.in_(run_ids), Job.kind.in_([JobKind.STEP, JobKind.FLOW]),
            ((Job.status == JobStatus.SUCCESS) | ((Job.status == JobStatus.QUEUED) & (Job.attempt > 1)))))
        modules = _ModuleLookup(self.db)
        dues = []
        for row in rows:
            if row.status == JobStatus.SUCCESS and (row.flow_state or {}).get("slept"):
                module = modules.find(row.parent_job_id, row.step_id)
                if module is not None and module.sleep:
                    dues.append((row.flow_job_id, row.finished_at + timedelta(seconds=module.sleep)))
            elif row.status == JobStatus.QUEUED:
                module = modules.find(row.parent_job_id, row.step_id)
                delay = module.retry.delay_before(row.attempt - 1) if module and module.retry else None
                if delay is not None:
                    dues.append((row.flow_job_id, row.created_at + timedelta(seconds=delay)))
        return dues

    # -- acting on them -------------------------------------------------------------------
    def _claim_redrive(self, run: QuietRun, count: int) -> bool:
        """Record the re-drive on the flow job, unless another sweeper or the run moved first."""
        with self.db.session() as session:
            root = session.get(Job, run.id, with_for_update=True)
            if root.status != JobStatus.RUNNING or root.enqueued_at != run.enqueued_at:
                return False
            root.enqueued_at = utcnow()
            root.flow_state = {**(root.flow_state or {}), STALL_COUNT_KEY: count}
        return True

    def _redrive(self, run: QuietRun) -> None:
        from app.services.flow_runs import enqueue
        with self.db.session() as session:
            failing = list(session.execute(select(Job.id, Job.queue, Job.flow_state).where(
                (Job.id == run.id) | (Job.flow_job_id == run.id), Job.kind == JobKind.FLOW,
                Job.status == JobStatus.RUNNING)))
        for row_id, queue, state in failing:
            if (state or {}).get("failure"):
                self._send_failure_chain(row_id, queue)
        if not run.flow_state.get("failure"):
            enqueue(self.queue, run.id, run.queue)
        self.events.publish(run.id)

    def _send_failure_chain(self, flow_row_id: str, queue: str) -> None:
        failure_module = load_scope(self.db, flow_row_id).definition.failure_module
        canvas = (compiler.failure(flow_row_id, failure_module.id, queue) if failure_module is not None
                  else compiler.task(compiler.FINALIZE, flow_row_id, queue=queue))
        signature(dict(canvas), app=self.queue.celery).apply_async()

    def _fail(self, run: QuietRun, redrives: int) -> bool:
        with self.db.session() as session:
            waiting = _describe_live(session, run.id)
        after = self.settings.flow_stall_after_s
        message = (f"the flow stalled: nothing moved for {after:g} s, {redrives} times in a row after "
                   f"re-driving it; " + (f"still waiting: {waiting}" if waiting else "no step was waiting"))
        return lifecycle.end_flow(self.db, self.events, run.id, JobStatus.FAILURE,
                                  error={"kind": "stalled", "message": message})


def _no_progress_since(moved: datetime, run: QuietRun) -> bool:
    """Nothing moved since the last message was sent (so the last re-drive did not help)."""
    return moved <= run.enqueued_at


def _describe_live(session: Session, run_id: str) -> str:
    live = session.execute(select(Job.step_id, Job.status, Job.queue).where(
        Job.flow_job_id == run_id, Job.kind == JobKind.STEP,
        Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        Job.language.not_in(["forloopflow", "branchone", "branchall"])).limit(5))
    return ", ".join(f"step {step_id!r} {status.value} on queue {queue!r} (is a worker serving it?)"
                     for step_id, status, queue in live)


class _ModuleLookup:
    """The module a row runs, with each scope's definition loaded once."""

    def __init__(self, db: Database) -> None:
        self.db, self.definitions = db, {}

    def find(self, scope_id: str, step_id: str) -> FlowModule | None:
        if scope_id not in self.definitions:
            self.definitions[scope_id] = load_scope(self.db, scope_id).definition
        try:
            return self.definitions[scope_id].find(step_id)
        except KeyError:
            return None
