"""Celery tasks: a few lines each, the work is in the executor and the sweeper."""
from __future__ import annotations

from celery import shared_task

from worker.context import worker_context


@shared_task(name="taskmill.run_job", acks_late=True, ignore_result=True)
def run_job(job_id: str) -> None:
    """Run one job; a redelivered message for a job that is not queued does nothing."""
    worker_context().executor().execute(job_id)


@shared_task(name="taskmill.sweep", ignore_result=True)
def sweep() -> None:
    """Fail or re-queue jobs whose worker died, and re-send queued jobs whose message was lost."""
    worker_context().sweeper().sweep()
