"""A pool of started job containers per language, each waiting for exactly one job.

Starting a container costs ~200 ms on this class of machine, most of a trivial job's time.
The pool pays it ahead: a background thread keeps `size` containers per language created,
attached and started, their wrapper blocked reading stdin. A job takes one, sends its
envelope, and the container is destroyed afterwards like any other: one container per job,
never reused. Pooled containers are created with the default limits, so only jobs with the
default limits (a per-script timeout is fine: the watchdog enforces it) can take one; the
job's environment travels in its envelope.

Each pool has an owner id (host and pid) on its containers' labels and keeps a liveness key
in Redis; the janitor removes pooled containers whose owner stopped refreshing it.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from docker.models.containers import Container

log = logging.getLogger(__name__)

POOL_LABEL = "taskmill.pool.owner"
REFILL_QUIET_S = 0.3
"""The refill waits until no job took a container for this long (or the pool runs low):
starting containers costs the engine CPU that a burst of jobs on 2 cores needs itself."""
REFILL_BACKOFF_S = 2.0
"""Pause after a failed container start, so a broken engine is not hammered."""
OWNER_TTL_S = 120
OWNER_REFRESH_S = 30
OWNER_KEY = "taskmill:pool-owner:"


def pool_owner_key(owner: str) -> str:
    """Redis key whose presence says the pool `owner` is alive."""
    return f"{OWNER_KEY}{owner}"


@dataclass
class Started:
    """A created, attached and started container, ready for one envelope."""

    container: Container
    sock: Any
    pooled: bool = False


class ContainerPool:
    def __init__(self, sizes: dict[str, int], start: Callable[[str, dict[str, str]], Started],
                 heartbeat: Callable[[str], None] | None = None) -> None:
        """`start(language, labels)` makes one started container; `heartbeat(owner)` keeps
        the owner's liveness key fresh (None: no janitor coordination)."""
        self.sizes = {lang: n for lang, n in sizes.items() if n > 0}
        # Unique per pool, so two pools in one process never vouch for each other's containers.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._start, self._heartbeat = start, heartbeat
        self._ready: dict[str, deque[Started]] = {lang: deque() for lang in self.sizes}
        self._lock = threading.Lock()
        self._last_take = 0.0
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._refill_forever, name="container-pool", daemon=True)
        self._thread.start()
        self._wanted.set()

    def take(self, language: str) -> Started | None:
        """A ready container for `language`, or None (the caller starts one cold)."""
        with self._lock:
            queue = self._ready.get(language)
            started = queue.popleft() if queue else None
            self._last_take = time.monotonic()
        self._wanted.set()
        return started

    def purge(self, alive: Callable[[Started], bool]) -> list[Started]:
        """Drop the idle containers for which `alive` is false (all died together, e.g. the
        engine restarted) and wake the refill; returns them for removal."""
        with self._lock:
            idle = [(lang, s) for lang, queue in self._ready.items() for s in queue]
        dead = [(lang, s) for lang, s in idle if not alive(s)]
        with self._lock:
            for lang, started in dead:
                try:
                    self._ready[lang].remove(started)
                except ValueError:  # taken meanwhile; its taker checks it too
                    pass
        self._wanted.set()
        return [s for _, s in dead]

    def stop(self) -> None:
        """Stop refilling and remove the idle containers."""
        self._stopped.set()
        self._wanted.set()
        with self._lock:
            idle = [s for queue in self._ready.values() for s in queue]
            for queue in self._ready.values():
                queue.clear()
        for started in idle:
            discard(started)

    def _missing(self) -> list[str]:
        with self._lock:
            return [lang for lang, size in self.sizes.items() if len(self._ready[lang]) < size]

    def running_low(self, language: str) -> bool:
        """Whether jobs of `language` are outrunning the pool: it is down to a quarter of its
        size (or empty), i.e. the load is more than a burst the pool absorbs."""
        with self._lock:
            return self._low(language)

    def _low(self, language: str) -> bool:
        return language in self.sizes and len(self._ready[language]) <= self.sizes[language] // 4

    def _urgent(self, missing: list[str]) -> list[str]:
        """The languages to refill now: all once takes paused, else those running low."""
        with self._lock:
            if time.monotonic() - self._last_take >= REFILL_QUIET_S:
                return missing
            return [lang for lang in missing if self._low(lang)]

    def _refill_forever(self) -> None:
        last_beat = 0.0
        while not self._stopped.is_set():
            if self._heartbeat and time.monotonic() - last_beat > OWNER_REFRESH_S:
                self._beat()
                last_beat = time.monotonic()
            missing = self._missing()
            if not missing:
                self._wanted.wait(OWNER_REFRESH_S)
                self._wanted.clear()
                continue
            urgent = self._urgent(missing)
            if not urgent:  # a burst is taking containers: let it have the CPU for now
                self._stopped.wait(REFILL_QUIET_S / 3)
                continue
            for language in urgent:
                self._add_one(language)

    def _beat(self) -> None:
        try:
            self._heartbeat(self.owner)
        except Exception:
            log.warning("pool owner heartbeat failed", exc_info=True)

    def _add_one(self, language: str) -> None:
        try:
            started = self._start(language, {POOL_LABEL: self.owner})
        except Exception:
            log.warning("could not start a pooled %s container", language, exc_info=True)
            self._stopped.wait(REFILL_BACKOFF_S)
            return
        started.pooled = True
        with self._lock:
            if not self._stopped.is_set():
                self._ready[language].append(started)
                return
        discard(started)


def discard(started: Started) -> None:
    """Close the attach socket and remove the container, ignoring what is already gone."""
    try:
        started.sock.close()
    except Exception:
        pass
    try:
        started.container.remove(force=True)
    except Exception:
        log.debug("removing %s failed", started.container.short_id, exc_info=True)
