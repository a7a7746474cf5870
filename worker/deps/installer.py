"""Prepare what a job's code needs before it runs: a locked, installed environment, or a binary.

Python and TypeScript: requirements → lock (resolved once per distinct requirement set, kept
in `dependency_locks` and on the script version) → an environment installed once per lock
hash at `<root>/<language>/<lock hash>`, reused read-only by every later run. Go: the
script compiled once per code version into `<root>/go/<key>/main`.

Which environments exist is remembered per worker process; the first use of one in a process
costs a short check by the tool (which answers `present` without installing anything). Each
use is noted in `dependency_environments` (at most once an hour per process, see
environments.py), so the collector can remove what no job used for the retention period.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, replace
from functools import cache
from typing import Callable

from app.db import Database
from worker.deps import environments, locks
from worker.deps.errors import DependencyError
from worker.deps.requirements import Requirements, requirements_of
from worker.deps.tools import Tools
from worker.languages.base import IMAGES_DIR
from worker.sandbox.base import FailureKind, RunSpec

COMPILE_ERROR_STATUS = 1
"""Exit status of the Go tool's build when the code does not compile (a job error)."""
MESSAGE_LINES = 30
"""A resolver's complaint is cut to its last lines (pip can be verbose)."""

_ready: dict[tuple[str, str, str], float] = {}
"""(cache id, language, key) of the environments and binaries known to exist → when this
process last found them or noted their use (time.monotonic)."""
_ready_lock = threading.Lock()


@dataclass(frozen=True)
class Needs:
    """A script version as the installer sees it (read while the executor's session is open)."""

    language: str
    code: str
    workspace_id: str = ""
    script_hash: str = ""
    lock: str | None = None
    """The lock stored with the version, once its first run resolved it."""


def lock_hash(lock: str) -> str:
    return hashlib.sha256(lock.encode()).hexdigest()[:32]


class Installer:
    def __init__(self, db: Database, tools: Tools) -> None:
        self.db, self.tools = db, tools

    def prepare(self, needs: Needs, spec: RunSpec, log: Callable[[str], None],
                cancel: threading.Event) -> RunSpec:
        """`spec` with `deps` set to what its job needs; raises DependencyError."""
        if needs.language == "go":
            return replace(spec, deps=self._binary(needs.code, log, cancel))
        lock = needs.lock or self._lock(needs, log, cancel)
        if not lock:
            return spec
        return replace(spec, deps=self._environment(needs.language, lock, log, cancel))

    def _lock(self, needs: Needs, log: Callable[[str], None], cancel: threading.Event) -> str | None:
        requirements = requirements_of(needs.language, needs.code)
        if requirements is None:
            return None
        lock = locks.find(self.db, needs.language, requirements.hash)
        if lock is None:
            with locks.exclusive(self.db, f"resolve:{needs.language}:{requirements.hash}"):
                lock = (locks.find(self.db, needs.language, requirements.hash)
                        or self._resolve(requirements, log, cancel))
        locks.remember(self.db, needs.workspace_id, needs.script_hash, lock, lock_hash(lock))
        return lock

    def _resolve(self, requirements: Requirements, log: Callable[[str], None],
                 cancel: threading.Event) -> str:
        log(f"[taskmill] resolving {requirements.language} requirements: {requirements.summary}\n")
        result = self.tools.run(requirements.language, ["resolve"], requirements.text,
                                network=True, cancel=cancel)
        if result.status != 0:
            raise DependencyError(f"could not resolve the requirements ({requirements.summary}):\n"
                                  f"{_complaint(result.stderr)}")
        lock = result.stdout
        locks.save(self.db, requirements.language, requirements.hash, requirements.text, lock,
                   lock_hash(lock))
        return lock

    def _environment(self, language: str, lock: str, log: Callable[[str], None],
                     cancel: threading.Event) -> str:
        key = lock_hash(lock)
        path = f"{self.tools.root}/{language}/{key}"
        if self._known(language, key):
            return path
        with locks.exclusive(self.db, lock_name(language, key)):
            result = self.tools.run(language, ["install", self.tools.root, key], lock,
                                    network=True, cancel=cancel)
            if result.status != 0:
                raise DependencyError(f"could not install the {language} dependencies:\n"
                                      f"{_complaint(result.stderr)}")
            self._installed(language, key)  # under the lock, which a removal takes too
        if result.stdout.strip() == "installed":
            log(f"[taskmill] installed {language} dependencies into environment {key}\n")
        return path

    def _binary(self, code: str, log: Callable[[str], None], cancel: threading.Event) -> str:
        key = hashlib.sha256(_go_toolchain_id().encode() + b"\0" + code.encode()).hexdigest()[:32]
        path = f"{self.tools.root}/go/{key}"
        if self._known("go", key):
            return path
        with locks.exclusive(self.db, lock_name("go", key)):
            result = self.tools.run("go", ["build", self.tools.root, key], code, network=False,
                                    cancel=cancel)
            if result.status == COMPILE_ERROR_STATUS:
                raise DependencyError(result.stderr.strip(), FailureKind.EXCEPTION)
            if result.status != 0:
                raise DependencyError(f"could not build the Go program:\n{_complaint(result.stderr)}")
            self._installed("go", key)
        if result.stdout.strip() == "built":
            log(f"[taskmill] compiled the Go program once for this version ({key})\n")
        return path

    def _known(self, language: str, key: str) -> bool:
        """Whether this process may use the environment without the tool's check: it found
        or noted it within the hour, or it found it before and notes this use now (False when
        its row is gone: the collector is removing it, so it must be installed again)."""
        entry = (self.tools.cache_id, language, key)
        with _ready_lock:
            noted = _ready.get(entry)
        if noted is None:
            return False  # the first use in this process: the tool checks (a wiped cache heals)
        if time.monotonic() - noted < environments.NOTE_EVERY_S:
            return True
        if not environments.used(self.db, self.tools.cache_id, language, key):
            return False
        self._remember(language, key)
        return True

    def _installed(self, language: str, key: str) -> None:
        environments.installed(self.db, self.tools.cache_id, language, key)
        self._remember(language, key)

    def _remember(self, language: str, key: str) -> None:
        with _ready_lock:
            _ready[(self.tools.cache_id, language, key)] = time.monotonic()


def lock_name(language: str, key: str) -> str:
    """The advisory lock that installing, building or removing one environment holds."""
    return f"build:go:{key}" if language == "go" else f"install:{language}:{key}"


@cache
def _go_toolchain_id() -> str:
    """Binaries depend on the harness the wrapper generates: a new wrapper, new binaries."""
    return hashlib.sha256((IMAGES_DIR / "go" / "wrapper.go").read_bytes()).hexdigest()


def _complaint(stderr: str) -> str:
    """The resolver's own error lines when it marks them, else the end of what it said."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("ERROR", "error:", "error "))]
    return "\n".join((errors or lines)[-MESSAGE_LINES:]) or "(no output)"
