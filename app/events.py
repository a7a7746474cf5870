"""Job change notifications over Redis pub/sub.

Postgres stays the source of truth: an event only says "job X changed", and listeners
re-read the row. So a missed message costs a little latency, never data. A publisher that
knows more says it, so a listener waiting for one thing can skip re-reading on the others:
the job's new status (`running`, `success`, ...) when that is what changed, or `progress`
when only its logs or its steps did.

A process that listens holds one pattern subscription to every job's channel, read by one
thread that hands each message to the listeners of its channel (EventHub): following a job
costs no Redis connection or command of its own, which a sync run would otherwise pay for on
its path (a new connection, SUBSCRIBE, then UNSUBSCRIBE and a disconnect).
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import redis

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "taskmill:job:"
CHANGED = "changed"
PROGRESS = "progress"
RECONNECT_S = 1.0
"""The hub's pause before it subscribes again after losing Redis (listeners poll meanwhile)."""
READY_WAIT_S = 2.0
"""How long a process's first listener waits for the hub's subscription; past it, it polls."""


def channel(job_id: str) -> str:
    return f"{CHANNEL_PREFIX}{job_id}"


class JobEvents:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._hub: EventHub | None = None
        self._hub_lock = threading.Lock()

    def publish(self, job_id: str, what: str = CHANGED) -> None:
        """`what`: the job's new status, PROGRESS, or CHANGED (anything, or not known)."""
        try:
            self.client.publish(channel(job_id), what)
        except redis.RedisError:
            pass  # listeners also poll; a lost notification only delays them

    @contextmanager
    def listen(self, *job_ids: str) -> Iterator["JobListener"]:
        """The events of `job_ids` (more can be followed later) from now until the block ends."""
        listener = JobListener(self._this_process_hub(), job_ids)
        try:
            yield listener
        finally:
            listener.close()

    def _this_process_hub(self) -> "EventHub":
        with self._hub_lock:  # a forked child inherits the hub but not its thread
            if self._hub is not None and self._hub.pid == os.getpid():
                return self._hub  # not ready (Redis lost): its listeners poll, none waits here
            self._hub = EventHub(self.client)
        self._hub.ready.wait(READY_WAIT_S)
        return self._hub


class EventHub:
    """One subscription to every job channel, read by a daemon thread that hands each event
    to the listeners of its channel. On a lost connection it subscribes again; events sent
    in between are lost, which listeners cover by polling."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.pid = os.getpid()
        self.ready = threading.Event()
        self._listeners: dict[str, set[queue.SimpleQueue[str]]] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._run, name="job-events", daemon=True).start()

    def follow(self, name: str, inbox: "queue.SimpleQueue[str]") -> None:
        with self._lock:
            self._listeners.setdefault(name, set()).add(inbox)

    def unfollow(self, name: str, inbox: "queue.SimpleQueue[str]") -> None:
        with self._lock:
            inboxes = self._listeners.get(name)
            if inboxes is not None:
                inboxes.discard(inbox)
                if not inboxes:
                    del self._listeners[name]

    def _run(self) -> None:
        while True:
            try:
                self._serve()
            except Exception as exc:  # Redis down or restarted: subscribe again
                if self.ready.is_set():  # once per outage
                    log.warning("job events: lost the subscription (%s); listeners poll meanwhile", exc)
            self.ready.clear()
            time.sleep(RECONNECT_S)

    def _serve(self) -> None:
        pubsub = self.client.pubsub()
        try:
            pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
            for message in pubsub.listen():
                if message["type"] == "psubscribe":
                    self.ready.set()
                elif message["type"] == "pmessage":
                    self._hand_over(_text(message["channel"]), _text(message["data"]))
        finally:
            pubsub.close()

    def _hand_over(self, name: str, what: str) -> None:
        with self._lock:
            inboxes = list(self._listeners.get(name, ()))
        for inbox in inboxes:
            inbox.put(what)


class JobListener:
    """The events of the jobs it follows, in the order they arrive."""

    def __init__(self, hub: EventHub, job_ids: tuple[str, ...] = ()) -> None:
        self._hub = hub
        self._inbox: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._followed: set[str] = set()
        self.follow(*job_ids)

    def follow(self, *job_ids: str) -> None:
        for job_id in job_ids:
            self._followed.add(channel(job_id))
            self._hub.follow(channel(job_id), self._inbox)

    def unfollow(self, *job_ids: str) -> None:
        for job_id in job_ids:
            self._followed.discard(channel(job_id))
            self._hub.unfollow(channel(job_id), self._inbox)

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a change; True if one arrived."""
        return self.next(timeout) is not None

    def next(self, timeout: float) -> str | None:
        """What the next event says (see JobEvents.publish), or None after `timeout` seconds."""
        try:
            return self._inbox.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def drain(self) -> None:
        """Forget the events that arrived so far."""
        while not self._inbox.empty():
            self._inbox.get_nowait()

    def close(self) -> None:
        for name in list(self._followed):
            self._hub.unfollow(name, self._inbox)
        self._followed.clear()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)
