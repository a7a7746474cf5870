"""The Docker engine restarted in the middle of a run: the job fails cleanly, the pool recovers.

This restarts the machine's dockerd (stop, then `scripts/start-dockerd.sh`), so it runs last in
its module and only where the suite owns the engine: in CI, or with TASKMILL_TEST_ENGINE_RESTART=1.
"""
from __future__ import annotations

import os
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from tests.worker.test_pool import ready, wait_until
from tests.worker.conftest import require_docker
from worker.sandbox.base import FailureKind, RunSpec
from worker.sandbox.docker import DockerBackend, default_limits

pytestmark = [pytest.mark.docker, pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("TASKMILL_TEST_ENGINE_RESTART")),
    reason="restarts the Docker engine: CI only, or TASKMILL_TEST_ENGINE_RESTART=1")]

START_DOCKERD = Path(__file__).resolve().parents[2] / "scripts" / "start-dockerd.sh"
LONG_JOB = "import time\ndef main():\n    print('started', flush=True)\n    time.sleep(60)\n    return 'finished'\n"
QUICK_JOB = "def main():\n    return 'ok'\n"


def spec(backend: DockerBackend, code: str) -> RunSpec:
    return RunSpec(job_id=uuid.uuid4().hex, language="python", code=code, args={},
                   limits=default_limits(backend.settings))


def restart_engine() -> None:
    subprocess.run(["pkill", "-TERM", "-x", "dockerd"], check=False)
    wait_until(lambda: subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True).returncode != 0,
               timeout=60)
    subprocess.run(["bash", str(START_DOCKERD)], check=True, timeout=120,
                   env={**os.environ, "DOCKERD_WAIT": "90"})


def test_a_job_running_when_the_engine_restarts_fails_cleanly_and_the_pool_recovers(sandbox_settings):
    require_docker(sandbox_settings)
    backend = DockerBackend(sandbox_settings, {"python": 2})
    try:
        wait_until(lambda: ready(backend) == {"python": 2})
        logs: list[str] = []
        outcomes = []
        running = threading.Thread(target=lambda: outcomes.append(
            backend.run(spec(backend, LONG_JOB), logs.append, threading.Event())))
        running.start()
        wait_until(lambda: "started" in "".join(logs))

        restart_engine()
        running.join(timeout=90)
        assert not running.is_alive(), "the run never returned after the engine restart"
        [outcome] = outcomes
        assert not outcome.success
        assert outcome.failure in (FailureKind.SANDBOX, FailureKind.EXIT_CODE)
        assert outcome.message

        # The idle pooled containers died with the engine: the next job finds out, the pool
        # drops them all and refills, and jobs are pool hits again.
        after = backend.run(spec(backend, QUICK_JOB), lambda _text: None, threading.Event())
        assert after.success and after.result == "ok"
        wait_until(lambda: ready(backend) == {"python": 2}, timeout=60)
        hit = backend.run(spec(backend, QUICK_JOB), lambda _text: None, threading.Event())
        assert hit.success and hit.pool_hit
    finally:
        backend.pool.stop()
        backend.remover.drain()
