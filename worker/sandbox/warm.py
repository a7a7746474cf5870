"""Warm mode: a container per language and trust domain that serves a bounded series of jobs.

Opt-in (per script or per worker group), for latency-critical jobs of one trust domain: the
container runs a small server (images/<lang>/warm.*) that forks a fresh process with a fresh
working directory per job and kills everything the job left behind before the next one.
Only jobs of the same domain (workspace + run-as user) share a container, never more than
one at a time; it is removed after `max_jobs` jobs, `max_age_s` seconds, or any job that did
not succeed (a failure, a timeout, a cancel: whatever state it left is not trusted). Its
successor (a spare) is started in the background when it nears its end, or when it is
retired unexpectedly, so the domain's next jobs do not wait for a cold start.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from worker.sandbox.pool import Started, discard

log = logging.getLogger(__name__)

WARM_LABEL = "taskmill.warm"


@dataclass
class WarmContainer:
    started: Started
    domain: str
    frames: Iterator[tuple[int, bytes]]
    born: float = field(default_factory=time.monotonic)
    jobs: int = 0
    spare_started: bool = False
    """Whether its successor has been started (see WarmRegistry.release)."""


def domain_label(domain: str) -> str:
    """A label value naming the domain without spelling out the workspace and user id."""
    return hashlib.sha256(domain.encode()).hexdigest()[:16]


class WarmRegistry:
    """Idle warm containers by (language, domain); a busy one is out of the registry."""

    def __init__(self, start: Callable[[str, str], WarmContainer], max_jobs: int,
                 max_age_s: float, remove: Callable[[Started], None],
                 alive: Callable[[Started], bool]) -> None:
        """`remove` disposes of a container that may not serve again (see sandbox.remover);
        `alive` tells whether an idle one still runs (the backend's liveness check)."""
        self._start, self.max_jobs, self.max_age_s = start, max_jobs, max_age_s
        self._alive = alive
        self._remove = remove
        self._idle: dict[tuple[str, str], list[WarmContainer]] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def acquire(self, language: str, domain: str) -> WarmContainer:
        """An idle container of this domain that is still fit, or a new one."""
        with self._lock:
            idle = self._idle.get((language, domain), [])
            while idle:
                # The most used first: a spare started ahead of a retirement waits its turn.
                warm = max(idle, key=lambda candidate: candidate.jobs)
                idle.remove(warm)
                if self._fit(warm):
                    return warm
                self._remove(warm.started)
        return self._start(language, domain)

    def release(self, language: str, warm: WarmContainer, succeeded: bool) -> None:
        """Back to the registry after a successful job while it has jobs and time left."""
        warm.jobs += 1
        # Alive or not is asked when it is next acquired: it just answered a job.
        retired = not succeeded or not self._fit(warm, check_alive=False)
        if not warm.spare_started and (retired or self._nearly_done(warm)):
            warm.spare_started = True
            threading.Thread(target=self._succeed, args=(language, warm.domain), daemon=True,
                             name=f"warm-spare-{language}").start()
        if retired:
            self._remove(warm.started)
        else:
            self._keep(language, warm)

    def _nearly_done(self, warm: WarmContainer) -> bool:
        """In its last tenth of jobs or of life: time to start its successor."""
        jobs_left = self.max_jobs - warm.jobs
        time_left = self.max_age_s - (time.monotonic() - warm.born)
        return jobs_left <= max(1, self.max_jobs // 10) or time_left <= self.max_age_s / 10

    def idle_count(self, language: str, domain: str) -> int:
        with self._lock:
            return len(self._idle.get((language, domain), []))

    def _keep(self, language: str, warm: WarmContainer) -> None:
        with self._lock:
            if not self._stopped:
                self._idle.setdefault((language, warm.domain), []).append(warm)
                return
        discard(warm.started)  # a successor that came up after stop()

    def _succeed(self, language: str, domain: str) -> None:
        """Start a container's successor (a job finding none idle starts its own)."""
        try:
            self._keep(language, self._start(language, domain))
        except Exception:  # the engine may be down: the next job starts one, or reports why
            log.warning("could not start a warm %s container", language, exc_info=True)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            idle = [w for containers in self._idle.values() for w in containers]
            self._idle.clear()
        for warm in idle:
            discard(warm.started)

    def _fit(self, warm: WarmContainer, check_alive: bool = True) -> bool:
        young = time.monotonic() - warm.born < self.max_age_s
        return warm.jobs < self.max_jobs and young and (not check_alive or self._alive(warm.started))
