"""While a job runs: say it runs, flush its logs, prove the worker is alive, and notice
cancellation."""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select, update

from app.db import Database
from app.events import PROGRESS, JobEvents
from app.models import Job, JobStatus, utcnow
from worker.logsink import LogSink
from worker.ticker import HEARTBEATS

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.25
"""Logs reach the UI within this delay; a write every 250 ms per running job is cheap."""


def append_logs(db: Database, job_id: str, chunk: str, truncated: bool) -> None:
    with db.session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(
            logs=Job.logs + chunk, logs_truncated=truncated))


class Heartbeat:
    """A duty of the process's heartbeat Ticker for the duration of one run (use as a context
    manager): every FLUSH_INTERVAL_S, flush the logs, ping and look for a cancel request."""

    def __init__(self, db: Database, events: JobEvents, job_id: str, sink: LogSink,
                 cancel: threading.Event, ping_every_s: float) -> None:
        self.db, self.events, self.job_id = db, events, job_id
        self.sink, self.cancel, self.ping_every_s = sink, cancel, ping_every_s
        self._last_ping: float | None = None
        self._handle: int | None = None

    def __enter__(self) -> "Heartbeat":
        self._handle = HEARTBEATS.every(FLUSH_INTERVAL_S, self._tick, now=True)
        return self

    def __exit__(self, *_exc: object) -> None:
        HEARTBEATS.cancel(self._handle)
        self.flush()

    def flush(self) -> None:
        chunk = self.sink.drain()
        if chunk:
            append_logs(self.db, self.job_id, chunk, self.sink.truncated)
            self.events.publish(self.job_id, PROGRESS)

    def _tick(self) -> bool:
        if self._last_ping is None:
            # The first tick, at once, off the run's thread: listeners learn it while the program
            # starts. (It precedes the end's event: the run's thread publishes that after
            # cancelling this duty, which waits for a tick under way.)
            self._last_ping = time.monotonic()
            self.events.publish(self.job_id, JobStatus.RUNNING.value)
            return True
        try:
            self.flush()
            if time.monotonic() - self._last_ping >= self.ping_every_s:
                self._ping()
                self._last_ping = time.monotonic()
            if self._cancel_requested():
                self.cancel.set()
        except Exception:  # a database hiccup must not kill the run; retry next tick
            log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)
        return True

    def _ping(self) -> None:
        with self.db.statement() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(last_ping_at=utcnow()))

    def _cancel_requested(self) -> bool:
        # One Core statement, not an ORM session: asked every tick of every running job.
        with self.db.statement() as connection:
            return bool(connection.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)))
