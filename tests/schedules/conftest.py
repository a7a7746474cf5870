"""Fixtures of schedule tests: a target script, the RedBeat mirror, beat processes, an API helper."""
from __future__ import annotations

import pytest

from app.beat import BeatMirror

TARGET = "u/alice/job"
TARGET_CODE = "def main(n: int = 1, label: str = 'x'):\n    return n\n"


@pytest.fixture()
def target(factory, auth) -> str:
    """A script alice may run; tag `unserved` so no worker runs its jobs unless asked to."""
    factory.script(TARGET, TARGET_CODE, tag="unserved")
    return TARGET


@pytest.fixture()
def mirror(app) -> BeatMirror:
    return BeatMirror(app.extensions["taskmill"].queue.celery)


def schedule_body(**fields) -> dict:
    body = {"path": "u/alice/nightly", "cron": "30 2 * * *", "timezone": "Europe/Paris",
            "script_path": TARGET, "args": {"n": 2}}
    body.update(fields)
    return body


def create(client, auth, **fields):
    return client.post("/api/w/main/schedules", json=schedule_body(**fields), headers=auth)


@pytest.fixture()
def processes(process_logs, request):
    """Start beats (or workers with -B) by name; all are stopped after the test."""
    started = []

    def start(kind, name: str):  # noqa: ANN001
        process = kind(process_logs, f"{request.node.name}-{name}")
        started.append(process)
        return process
    yield start
    for process in started:
        process.stop()
