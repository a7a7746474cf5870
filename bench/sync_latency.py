"""End-to-end sync latency: HTTP run_wait_result through web, Redis, worker and sandbox.

Starts the real product with `taskmill run` in a temporary data directory (the database
and Redis are the caller's TASKMILL_* settings, or the embedded defaults), logs in like the
dashboard does, creates a token, and times `run_wait_result` of a trivial script.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

from bench.stats import Sample, measure

PASSWORD = "bench-password-123"
STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """`taskmill run` in its own process group and data directory."""

    def __init__(self, sandbox: str) -> None:
        self.port = _free_port()
        self.data = tempfile.mkdtemp(prefix="taskmill-bench-")
        env = {**os.environ, "TASKMILL_DATA_DIR": self.data, "TASKMILL_PORT": str(self.port),
               "TASKMILL_ADMIN_PASSWORD": PASSWORD, "TASKMILL_SANDBOX": sandbox}
        self.log = open(os.path.join(self.data, "stack.log"), "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "run"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/openapi.json", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError(f"stack did not start; see {self.log.name}")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def _token(url: str) -> str:
    session = requests.Session()
    page = session.get(f"{url}/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(f"{url}/login", data={"login": "admin", "password": PASSWORD, "csrf_token": csrf})
    response = session.post(f"{url}/api/tokens", json={"label": "bench"}, headers={"X-CSRFToken": csrf})
    response.raise_for_status()
    return response.json()["token"]


def sample(sandbox: str, runs: int) -> Sample:
    stack = Stack(sandbox)
    try:
        stack.wait_ready()
        headers = {"Authorization": f"Bearer {_token(stack.url)}"}
        api = f"{stack.url}/api/w/main"
        requests.post(f"{api}/scripts", headers=headers, json={
            "path": "u/admin/trivial", "language": "python", "content": "def main():\n    return 1\n"}
        ).raise_for_status()

        def once() -> None:
            response = requests.post(f"{api}/jobs/run_wait_result/p/u/admin/trivial", json={}, headers=headers)
            assert response.status_code == 200 and response.json() == 1, response.text

        return measure(f"HTTP run_wait_result end to end, {sandbox} runner", once, runs, warmup=3)
    finally:
        stack.stop()
