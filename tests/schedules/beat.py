"""Beat processes for end-to-end schedule tests: `celery beat` and a worker with `-B`."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.models import Job, ScheduleFiring
from tests.conftest import test_env
from tests.processes import STARTUP_TIMEOUT_S, Process

SCHEDULE_SENDS = "Sending due task schedule:"
"""What beat logs each time it sends a schedule's message."""


def _wait_for(process: Process, text: str) -> Process:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while text not in process.output():
        if process.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{process.name} did not start:\n{process.output()[-3000:]}")
        time.sleep(0.1)
    return process


def start_beat(log_dir: Path, name: str) -> Process:
    command = [sys.executable, "-m", "celery", "-A", "worker.main", "beat", "--loglevel", "INFO"]
    return _wait_for(Process(name, command, test_env(), log_dir), "beat: Starting")


def start_worker_with_beat(log_dir: Path, name: str) -> Process:
    command = [sys.executable, "-m", "celery", "-A", "worker.main", "worker", "-B", "--loglevel", "INFO",
               "-Q", "default", "--concurrency", "2", "-n", f"{name}-{os.getpid()}@%h"]
    return _wait_for(Process(name, command, test_env(), log_dir), "ready.")


def sends(process: Process) -> int:
    return process.output().count(SCHEDULE_SENDS)


def firings(db) -> list[tuple[ScheduleFiring, Job | None]]:
    """Every claimed slot with its job, in slot order."""
    with db.session() as session:
        rows = session.scalars(select(ScheduleFiring).order_by(ScheduleFiring.slot)).all()
        return [(f, session.get(Job, f.job_id) if f.job_id else None) for f in rows]


def settled_firings(db, timeout: float = 15) -> list:
    """Every claimed slot with its job, once no claim is waiting for its job any more."""
    deadline = time.monotonic() + timeout
    while True:
        fired = firings(db)
        if all(job is not None for _, job in fired) or time.monotonic() > deadline:
            return fired
        time.sleep(0.2)


def wait_for_firings(db, count: int, timeout: float = 30, after=None) -> list:  # noqa: ANN001
    """Block until `count` slots (later than `after`, if given) have their job."""
    deadline = time.monotonic() + timeout
    while True:
        done = [(f, j) for f, j in firings(db) if j is not None and (after is None or f.slot > after)]
        if len(done) >= count:
            return done
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(done)} of {count} slots fired in {timeout}s")
        time.sleep(0.2)
