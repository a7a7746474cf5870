"""Periodic duties of running jobs on one long-lived thread per kind, not a thread per job.

A job's heartbeat (logs, liveness, cancellation) and its watchdog (timeout, cancel) each ran
on a thread of their own, started and joined on the job's path: ~0.35 ms each on a 2-core
machine, more than a trivial warm job's own run. A Ticker runs every registered duty on one
daemon thread (started on first use, again in a forked child). Watchdogs and heartbeats
have a Ticker each, so a heartbeat stuck on a slow database never delays a kill.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

Duty = Callable[[], bool]
"""Called every period; returns False when it is done (it is then not called again)."""


class _Registered:
    def __init__(self, duty: Duty, every_s: float, first_at: float) -> None:
        self.duty, self.every_s, self.next_at = duty, every_s, first_at
        self.lock = threading.Lock()  # held while it runs: cancel() waits for the running call
        self.done = False

    def run(self) -> None:
        with self.lock:
            if self.done:
                return
            try:
                self.done = self.duty() is False
            except Exception:  # a duty's failure must not stop the others; it runs again
                log.warning("periodic job duty failed", exc_info=True)
            self.next_at = time.monotonic() + self.every_s


class Ticker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._ids = itertools.count()
        self._forget()
        # A forked child has none of the parent's threads, and the lock may have been held.
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._duties: dict[int, _Registered] = {}
        self._changed = threading.Condition()
        self._started = False
        self._wakes_at: float | None = None
        """When the thread's wait ends by itself (None: it waits for a notify), under _changed."""

    def every(self, seconds: float, duty: Duty, *, now: bool = False) -> int:
        """Call `duty` every `seconds` (the first time at once with `now`); returns its handle."""
        first_at = time.monotonic() + (0 if now else seconds)
        with self._changed:
            self._ensure_thread()
            handle = next(self._ids)
            self._duties[handle] = _Registered(duty, seconds, first_at)
            # Wake the thread only when it would otherwise oversleep: with jobs back to back, a
            # job's watchdog is due after the thread's next wake-up anyway, and a notify
            # costs a thread switch on the job's path.
            if self._wakes_at is None or first_at < self._wakes_at:
                self._changed.notify()
        return handle

    def cancel(self, handle: int) -> None:
        """Stop calling it; when this returns, the duty is not running and never runs again."""
        with self._changed:
            registered = self._duties.pop(handle, None)
        if registered is not None:
            with registered.lock:
                registered.done = True

    def _ensure_thread(self) -> None:
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name=f"ticker-{self.name}", daemon=True).start()

    def _run(self) -> None:
        while True:
            for registered in self._wait_for_due():
                registered.run()
                if registered.done:
                    with self._changed:
                        self._duties = {h: r for h, r in self._duties.items() if r is not registered}

    def _wait_for_due(self) -> list[_Registered]:
        with self._changed:
            while True:
                now = time.monotonic()
                due = [r for r in self._duties.values() if r.next_at <= now]
                if due:
                    return due
                self._wakes_at = min((r.next_at for r in self._duties.values()), default=None)
                self._changed.wait(None if self._wakes_at is None else self._wakes_at - now)
                self._wakes_at = None


WATCHDOGS = Ticker("watchdogs")
HEARTBEATS = Ticker("heartbeats")
