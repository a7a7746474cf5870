"""Job change notifications over Redis pub/sub.

Postgres stays the source of truth: an event only says "job X changed", and listeners
re-read the row. So a missed message costs a little latency, never data.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import redis

CHANNEL_PREFIX = "taskmill:job:"


def channel(job_id: str) -> str:
    return f"{CHANNEL_PREFIX}{job_id}"


class JobEvents:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def publish(self, job_id: str) -> None:
        try:
            self.client.publish(channel(job_id), "changed")
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
        return self.pubsub.get_message(timeout=timeout) is not None


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)
