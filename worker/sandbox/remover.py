"""Container removal off the job's critical path.

Removing a stopped container costs the engine ~80 ms on this class of machine: more than
handing a job to a pooled container and running it. A finished job's container has already
exited (or is killed here), so nothing observable depends on when it disappears; a per
backend thread removes them in order while the worker answers. `drain` waits for the queue
(tests, and a worker shutting down). A container left behind by a process that died before
its turn is exited and labelled, and the janitor (`DockerBackend.reap_orphans`) removes it.
"""
from __future__ import annotations

import logging
import queue
import threading
import time

from worker.sandbox.pool import Started, discard

log = logging.getLogger(__name__)

QUIET_S = 0.3
"""Removals wait until no container was handed over for this long, so a burst of jobs does
not share the engine's CPU with them..."""
BACKLOG = 32
"""...unless this many are waiting (sustained load: remove as they come)."""


class Remover:
    def __init__(self) -> None:
        self._queue: queue.Queue[Started] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last_put = 0.0
        self._behind = False

    def remove(self, started: Started) -> None:
        """Close the job's socket now and remove its container soon."""
        try:
            started.sock.close()
        except Exception:
            pass
        self._ensure_thread()
        self._last_put = time.monotonic()
        self._queue.put(started)

    @property
    def falling_behind(self) -> bool:
        """Whether removals could not wait for a pause lately, because too many were waiting
        (sustained load, not a burst). A used container should then exit at once rather than
        linger: its removal comes soon anyway, and stopping a running container costs the
        engine more than removing an exited one (measured: ~30 ms of CPU per job, a tenth of
        a container's life cycle)."""
        return self._behind

    def drain(self, timeout_s: float = 30.0) -> bool:
        """Wait until every container handed over so far is removed; False on timeout."""
        done = threading.Event()
        waiter = threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True)
        waiter.start()
        return done.wait(timeout_s)

    def _ensure_thread(self) -> None:
        with self._lock:  # a forked child inherits the object but not the thread
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="container-remover", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            started = self._queue.get()
            self._behind = self._wait_for_turn()
            try:
                discard(started)
            except Exception:  # discard logs and swallows; this only guards the thread
                log.exception("container removal failed")
            finally:
                self._queue.task_done()

    def _wait_for_turn(self) -> bool:
        """Until the load pauses (False) or removals wait in numbers (True)."""
        while self._queue.qsize() < BACKLOG:
            if time.monotonic() - self._last_put >= QUIET_S:
                return False
            time.sleep(QUIET_S / 3)
        return True
