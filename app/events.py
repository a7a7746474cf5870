"""Job change notifications over Redis pub/sub.

Postgres stays the source of truth: an event only says "job X changed", and listeners
re-read the row. So a missed message costs a little latency, never data. A publisher that
knows more says it, so a listener waiting for one thing can skip re-reading on the others:
the job's new status (`running`, `success`, ...) when that is what changed, or `progress`
when only its logs or its steps did.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

import redis

CHANNEL_PREFIX = "taskmill:job:"
CHANGED = "changed"
PROGRESS = "progress"


def channel(job_id: str) -> str:
    return f"{CHANNEL_PREFIX}{job_id}"


class JobEvents:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def publish(self, job_id: str, what: str = CHANGED) -> None:
        """`what`: the job's new status, PROGRESS, or CHANGED (anything, or not known)."""
        try:
            self.client.publish(channel(job_id), what)
        except redis.RedisError:
            pass  # listeners also poll; a lost notification only delays them

    @contextmanager
    def listen(self, job_id: str) -> Iterator["JobListener"]:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(channel(job_id))
        try:
            yield JobListener(pubsub)
        finally:
            pubsub.close()


class JobListener:
    def __init__(self, pubsub: redis.client.PubSub) -> None:
        self.pubsub = pubsub

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a change; True if one arrived."""
        return self.next(timeout) is not None

    def next(self, timeout: float) -> str | None:
        """What the next event says (see JobEvents.publish), or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            # None also for the subscription's own confirmation, which is not an event.
            message = self.pubsub.get_message(timeout=max(0.0, deadline - time.monotonic()))
            if message is not None:
                data = message.get("data")
                return data.decode() if isinstance(data, bytes) else str(data)
            if time.monotonic() >= deadline:
                return None


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)
