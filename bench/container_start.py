"""Per-job container start: Taskmill's Docker backend against a cold `docker run --rm`."""
from __future__ import annotations

import subprocess
import sys
import time
import threading
import uuid

from bench.stats import Sample, measure
from config import Settings
from worker.sandbox import DockerBackend, LocalBackend
from worker.sandbox.base import Limits, RunSpec

TRIVIAL = "def main():\n    return 1\n"


def _spec(settings: Settings) -> RunSpec:
    limits = Limits(timeout_s=30, memory_mb=settings.job_memory_mb, cpus=settings.job_cpus,
                    pids=settings.job_pids, network=settings.job_network, tmpfs_mb=settings.job_tmpfs_mb)
    return RunSpec(job_id=f"bench-{uuid.uuid4()}", language="python", code=TRIVIAL, args={},
                   limits=limits)


def _run(backend) -> None:  # noqa: ANN001
    settings = backend.settings
    outcome = backend.run(_spec(settings), lambda _text: None, threading.Event())
    assert outcome.success, outcome


def samples(settings: Settings, runs: int) -> tuple[Sample, list[Sample]]:
    """(baseline, others): the cold `docker run --rm` is the baseline."""
    image = settings.image_for("python")
    cold = measure("cold `docker run --rm <python image> python3 -c pass`",
                   lambda: subprocess.run(["docker", "run", "--rm", image, "python3", "-c", "pass"],
                                          check=True, capture_output=True), runs)
    docker = measure("DockerBackend.run, trivial main() (cold container)",
                     lambda: _run(DockerBackend(settings)), runs)
    pooled = DockerBackend(settings, {"python": 2})
    try:
        pool_hit = measure("DockerBackend.run, trivial main() (pool hit)",
                           lambda: _run_pool_hit(pooled), runs, before=lambda: _pool_ready(pooled))
    finally:
        pooled.pool.stop()
    local = measure("LocalBackend.run, trivial main() (unsandboxed)",
                    lambda: _run(LocalBackend(settings)), runs)
    bare = measure("bare `python -c pass` on the host (floor)",
                   lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), runs)
    return cold, [cold, docker, pool_hit, local, bare]


def _pool_ready(backend: DockerBackend) -> None:
    """Untimed: wait for the refill, as a pool sized for the load would have it ready."""
    while len(backend.pool._ready["python"]) < 1:
        time.sleep(0.01)


def _run_pool_hit(backend: DockerBackend) -> None:
    outcome = backend.run(_spec(backend.settings), lambda _text: None, threading.Event())
    assert outcome.success and outcome.pool_hit, outcome
