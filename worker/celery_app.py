"""The Celery application: Redis broker, late acks, one queue per worker group (script tag)."""
from __future__ import annotations

from celery import Celery
from kombu import Queue

from config import Settings

SWEEP_TASK = "taskmill.sweep"
COLLECT_TASK = "taskmill.collect_dependencies"
BEAT_LOCK_TIMEOUT_S = 30
"""A beat that dies without releasing RedBeat's lock is replaced by a waiting one this late."""


def celery_url(redis_url: str) -> str:
    """Redis URL as Celery spells it (a unix socket is `redis+socket://`)."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://"):]
    return redis_url


def make_celery(settings: Settings) -> Celery:
    url = celery_url(settings.redis_url)
    celery = Celery("taskmill", broker=url, backend=url, include=["worker.tasks", "worker.signals", "flows.tasks"])
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,  # a killed worker's message goes back to the queue
        worker_prefetch_multiplier=1,
        task_default_queue="default",
        task_queues=[Queue(name) for name in settings.queues],
        task_ignore_result=True,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout_s},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_scheduler="worker.beat:TaskmillScheduler",
        beat_max_loop_interval=settings.beat_interval_s,
        redbeat_lock_timeout=BEAT_LOCK_TIMEOUT_S,
        redbeat_redis_url=settings.redis_url,
        redbeat_key_prefix="taskmill:redbeat:",
        redbeat_redis_options={},  # the broker's visibility timeout is not a Redis client option
        beat_schedule=_beat_schedule(settings),
        timezone="UTC",
    )
    celery.conf.taskmill_settings = settings
    return celery


def _beat_schedule(settings: Settings) -> dict:
    """The periodic tasks: the sweeper, and the removal of unused dependency environments."""
    options = {"queue": settings.queues[0]}
    schedule = {"sweep": {"task": SWEEP_TASK, "schedule": settings.sweep_interval_s, "options": options}}
    if settings.deps_retention_days > 0:
        schedule["collect-dependencies"] = {"task": COLLECT_TASK, "options": options,
                                            "schedule": settings.deps_collect_every_s}
    return schedule
