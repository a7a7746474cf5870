"""Hands job ids to Celery. The web tier sends by task name, so it never imports worker code."""
from __future__ import annotations

from celery import Celery

from app.errors import QueueUnavailable

RUN_JOB_TASK = "taskmill.run_job"


class JobQueue:
    """Publishes `run_job(job_id)` messages on the queue named after the script's tag."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def enqueue(self, job_id: str, queue: str) -> None:
        # task_id = job id, so a Celery-level revoke or trace names the job directly.
        # ignore_result: the job's outcome is in Postgres; without it, Celery's Redis result
        # backend subscribes to a result channel per sent task (a command, and a subscription
        # held until the AsyncResult is collected).
        try:
            self.celery.send_task(RUN_JOB_TASK, args=[job_id], queue=queue, task_id=job_id,
                                  ignore_result=True)
        except Exception as exc:  # kombu raises several unrelated connection error types
            raise QueueUnavailable("the job queue is unavailable", {"reason": str(exc)}) from exc
