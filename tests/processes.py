"""Real processes for end-to-end and browser tests: Celery workers and a gunicorn server.

A pytest plugin (see tests/conftest.py), so every test folder shares one server and worker.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import test_env

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60


class Process:
    """A child process in its own process group, with its output kept in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.log_path = name, log_dir / f"{name}.log"
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT,
                                     stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()


def start_worker(log_dir: Path, name: str = "worker", queue: str = "default", **env: str) -> Process:
    command = [sys.executable, "-m", "celery", "-A", "worker.main", "worker", "--loglevel", "INFO",
               "-Q", queue, "--concurrency", "2", "-n", f"{name}-{os.getpid()}@%h"]
    worker = Process(name, command, test_env(TASKMILL_WORKER_QUEUES=queue, **env), log_dir)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while "ready." not in worker.output():
        if worker.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"worker did not start:\n{worker.output()[-3000:]}")
        time.sleep(0.2)
    return worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(log_dir: Path, **env: str) -> tuple[Process, str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class",
               "gthread", "--threads", "16", "--workers", "1", "app.wsgi:app"]
    server = Process("web", command, test_env(**env), log_dir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            if requests.get(f"{url}/api/openapi.json", timeout=2).status_code == 200:
                return server, url
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or still importing the app
            pass
        if server.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start:\n{server.output()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def process_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("processes")


@pytest.fixture(scope="session")
def worker(settings, process_logs):
    """One Celery worker subprocess shared by the session (settings: the test services)."""
    process = start_worker(process_logs, TASKMILL_JOB_TIMEOUT_S="60")
    yield process
    process.stop()


NETWORKED_QUEUE = "networked"
"""Queue of the `networked_worker`: scripts tagged with it run in jobs that can reach the API."""


@pytest.fixture(scope="session")
def networked_worker(settings, process_logs, server_url):
    """A worker whose job containers share the host network, so the SDK inside reaches the server."""
    process = start_worker(process_logs, name="networked", queue=NETWORKED_QUEUE,
                           TASKMILL_PUBLIC_URL=server_url, TASKMILL_JOB_NETWORK="host")
    yield process
    process.stop()


@pytest.fixture(scope="session")
def server_url(settings, process_logs) -> str:
    """A gunicorn server subprocess on a free port, serving the real app."""
    server, url = start_server(process_logs)
    yield url
    server.stop()
