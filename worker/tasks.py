"""Celery tasks: a few lines each, the work is in the executor and the sweeper."""
from __future__ import annotations

from datetime import datetime

from celery import shared_task
from sqlalchemy.exc import DBAPIError

from app.services import schedule_firing
from worker.context import worker_context
from worker.deps import installer_for
from worker.deps.collector import collect


DB_RECONNECT_RETRY_S = 1.0
DB_RECONNECT_RETRIES = 30


@shared_task(name="taskmill.run_job", bind=True, acks_late=True, ignore_result=True)
def run_job(self, job_id: str) -> None:
    """Run one job; a redelivered message for a job that is not queued does nothing."""
    try:
        worker_context().executor().execute(job_id)
    except DBAPIError as exc:
        if not exc.connection_invalidated:  # the database went away (restart): try again soon
            raise
        raise self.retry(exc=exc, countdown=DB_RECONNECT_RETRY_S, max_retries=DB_RECONNECT_RETRIES)


@shared_task(name="taskmill.sweep", ignore_result=True)
def sweep() -> None:
    """Fail or re-queue jobs whose worker died, and re-send queued jobs whose message was lost."""
    worker_context().sweeper().sweep()


@shared_task(name="taskmill.collect_dependencies", ignore_result=True)
def collect_dependencies() -> None:
    """Remove the dependency environments and Go binaries no job used for the retention period."""
    context = worker_context()
    if context.settings.deps_retention_days > 0:
        collect(context.db, installer_for(context.backend(), context.settings, context.db).tools,
                context.settings.deps_retention_days)


@shared_task(name="taskmill.fire_schedule", ignore_result=True)
def fire_schedule(schedule_id: int, slot: str) -> None:
    """Start the job of one schedule slot; a slot already fired starts nothing."""
    context = worker_context()
    schedule_firing.fire(context.db, context.queue, schedule_id, datetime.fromisoformat(slot))


@shared_task(name="taskmill.schedule_failed", ignore_result=True)
def schedule_failed(job_id: str) -> None:
    """Run the on_failure script of the schedule whose job `job_id` failed."""
    context = worker_context()
    schedule_firing.run_failure_hook(context.db, context.queue, job_id)
