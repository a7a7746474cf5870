"""The contract between the job executor and the places user code can run.

A backend receives a `RunSpec` (which language, what code, which args, what limits),
streams the program's log output to a callback while it runs, and returns a `RunOutcome`.
Backends never touch the database: the executor owns persistence.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Protocol


DEPS_MOUNT = "/opt/taskmill-deps"
"""Where job containers see the dependency volume (read-only; see worker/deps)."""


class FailureKind(str, Enum):
    """Why a run failed; stored on the job so users and tests can tell the causes apart."""

    EXCEPTION = "exception"  # user code raised (Python) or reported an error
    EXIT_CODE = "exit_code"  # the program exited non-zero without a structured error
    TIMEOUT = "timeout"  # killed after the run's timeout
    MEMORY = "memory"  # killed by the kernel's OOM killer at the memory limit
    RESULT_NOT_JSON = "result_not_json"  # main() returned something JSON cannot encode
    RESULT_TOO_LARGE = "result_too_large"  # the result frame passed the size cap
    CANCELED = "canceled"  # killed because a user canceled the job
    SANDBOX = "sandbox"  # the backend itself failed (image missing, engine down, ...)
    DEPENDENCIES = "dependencies"  # its requirements could not be resolved or installed


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to one run."""

    timeout_s: float
    memory_mb: int
    cpus: float
    pids: int
    network: str  # docker network mode: "none", "bridge", "host" or a network name
    tmpfs_mb: int


@dataclass(frozen=True)
class RunSpec:
    """Everything a backend needs to run one job."""

    job_id: str
    language: str
    code: str
    args: dict[str, Any]
    limits: Limits
    env: dict[str, str] = field(default_factory=dict)
    isolation: str = "container"
    """`container` (a fresh container, never reused) or `warm` (see worker/sandbox/warm.py)."""
    domain: str = ""
    """The trust domain (workspace and run-as user): warm containers serve only one."""
    deps: str = ""
    """Where the job finds its prepared dependencies, as a path the program sees (a cached
    environment or binary, see worker/deps); empty when it has none."""
    linger: bool = True
    """Whether a wrapper that can linger (Settings.job_linger_s) may, after this job: the
    Docker backend says no when its removals are falling behind the jobs."""


@dataclass
class RunOutcome:
    """What happened: a JSON result on success, or a failure kind with a message."""

    success: bool
    result: Any = None
    failure: FailureKind | None = None
    message: str | None = None
    traceback: str | None = None
    exit_code: int | None = None
    pool_hit: bool = False  # the container came ready from the pool (no start on the job's time)
    isolation: str = "container"  # how it actually ran: container, warm or process (local)

    @classmethod
    def ok(cls, result: Any, exit_code: int | None = 0) -> "RunOutcome":
        return cls(success=True, result=result, exit_code=exit_code)

    @classmethod
    def failed(cls, failure: FailureKind, message: str, *, traceback: str | None = None,
               exit_code: int | None = None) -> "RunOutcome":
        return cls(success=False, failure=failure, message=message, traceback=traceback,
                   exit_code=exit_code)


OutputCallback = Callable[[str], None]


class SandboxBackend(Protocol):
    """A place to run user code. `run` blocks until the program ends or is killed."""

    name: str
    sandboxed: bool  # False for backends that run user code as a plain host process

    def run(self, spec: RunSpec, on_output: OutputCallback,
            cancel: threading.Event) -> RunOutcome:
        """Run `spec`; call `on_output` with decoded log text as it is printed.

        Setting `cancel` kills the program; the outcome is then `FailureKind.CANCELED`.
        The backend always cleans up what it created (containers, temp dirs).
        """
        ...

    def discard(self, job_id: str) -> None:
        """Remove what a run of `job_id` left behind when its worker died mid-run."""
        ...

    def reap_orphans(self, owner_alive: Callable[[str], bool]) -> int:
        """Remove pooled containers whose owning worker process is gone; returns how many."""
        ...
