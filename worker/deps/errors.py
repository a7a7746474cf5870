"""Why a job's dependencies could not be prepared; the job then fails without running."""
from __future__ import annotations

from app.errors import TaskmillError
from worker.sandbox.base import FailureKind, RunOutcome


class DependencyError(TaskmillError):
    """Requirements that do not parse, a resolver or installer that refused, a build that
    failed. `failure` is the job's failure kind: `dependencies`, except for a Go compile error
    found while building the cached binary, which stays the `exception` it is when a job
    compiles itself."""

    code = "dependencies"

    def __init__(self, message: str, failure: FailureKind = FailureKind.DEPENDENCIES) -> None:
        super().__init__(message)
        self.failure = failure

    def outcome(self) -> RunOutcome:
        """The job's outcome: it failed before its code ran."""
        return RunOutcome.failed(self.failure, self.message)
