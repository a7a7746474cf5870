"""Fixtures for the sandbox contract tests: settings, every backend, and a `run` factory.

The settings fixture is called `sandbox_settings`: these tests need no database, and the
root conftest prepares one for every test that asks for `settings`.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from config import Settings, is_ci, load_settings
from worker.sandbox import BACKENDS, DockerBackend, docker_available
from worker.sandbox.base import Limits, RunOutcome, RunSpec, SandboxBackend
from worker.sandbox.docker import JOB_LABEL

TEST_LIMITS = Limits(timeout_s=30, memory_mb=256, cpus=1.0, pids=128, network="none",
                     tmpfs_mb=64)


@pytest.fixture(scope="session")
def sandbox_settings() -> Settings:
    return load_settings(profile="test")


def require_docker(settings: Settings) -> None:
    """Skip a Docker test without an engine and images; in CI that is a failure."""
    if docker_available(settings):
        return
    reason = (f"no Docker engine with runner images at {settings.docker_url} "
              "(python -m worker.images.build)")
    if is_ci():
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def backend(request: pytest.FixtureRequest, sandbox_settings: Settings) -> SandboxBackend:
    """Each backend in turn."""
    if request.param == "docker":
        require_docker(sandbox_settings)
    return BACKENDS[request.param](sandbox_settings)


@pytest.fixture
def limits():
    """Test limits with some changed: `limits(timeout_s=2)`."""
    return lambda **changes: dataclasses.replace(TEST_LIMITS, **changes)


@pytest.fixture
def docker_backend(sandbox_settings: Settings) -> SandboxBackend:
    require_docker(sandbox_settings)
    return BACKENDS["docker"](sandbox_settings)


@dataclass
class Run:
    """A finished run: its outcome and the log chunks with their arrival times."""

    outcome: RunOutcome
    chunks: list[tuple[float, str]] = field(default_factory=list)
    returned_at: float = 0.0
    elapsed_s: float = 0.0

    @property
    def logs(self) -> str:
        return "".join(text for _, text in self.chunks)


@pytest.fixture
def run():
    """Run code on a backend; for Docker, also check the job's container is gone after."""

    def run_code(backend: SandboxBackend, language: str, code: str,
                 args: dict[str, Any] | None = None, *, limits: Limits = TEST_LIMITS,
                 env: dict[str, str] | None = None,
                 cancel: threading.Event | None = None) -> Run:
        spec = RunSpec(job_id=uuid.uuid4().hex, language=language, code=code,
                       args=args or {}, limits=limits, env=env or {})
        run = Run(outcome=RunOutcome.ok(None))
        started = time.monotonic()
        run.outcome = backend.run(spec, lambda text: run.chunks.append((time.monotonic(), text)),
                                  cancel or threading.Event())
        run.returned_at = time.monotonic()
        run.elapsed_s = run.returned_at - started
        if isinstance(backend, DockerBackend):
            assert backend.remover.drain(), "container removal did not finish"
            job_filter = {"label": f"{JOB_LABEL}={spec.job_id}"}
            left = backend.client.containers.list(all=True, filters=job_filter)
            assert left == [], f"job container left behind: {left}"
        return run

    return run_code


def eventually(condition, timeout: float = 5) -> bool:
    """Whether `condition()` turns true within `timeout` seconds (checked every 10 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
