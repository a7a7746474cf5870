"""The long-lived objects one process needs, built once from settings."""
from __future__ import annotations

from dataclasses import dataclass

from celery import Celery

from app.db import Database
from app.events import JobEvents, redis_client
from app.queue import JobQueue
from config import Settings, SettingsError


@dataclass
class Runtime:
    settings: Settings
    db: Database
    events: JobEvents
    queue: JobQueue

    @classmethod
    def build(cls, settings: Settings, celery: Celery) -> "Runtime":
        if not settings.redis_url:
            raise SettingsError("TASKMILL_REDIS_URL is empty: start Taskmill with `taskmill run` "
                                "(embedded Redis) or point it at a Redis server")
        return cls(settings=settings, db=Database(settings.resolved_database_url()),
                   events=JobEvents(redis_client(settings.redis_url)), queue=JobQueue(celery))
