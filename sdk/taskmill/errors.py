"""Exceptions raised by the client: one base, a shallow tree, the server's data attached."""
from __future__ import annotations

from typing import Any


class TaskmillError(Exception):
    """An error answered by the Taskmill API (or a transport failure reaching it)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 details: Any = None) -> None:
        super().__init__(message)
        self.message, self.status, self.code, self.details = message, status, code, details


class Unauthorized(TaskmillError):
    """The token is missing, wrong, expired or revoked (HTTP 401)."""


class Forbidden(TaskmillError):
    """The token's user may see this but not do it (HTTP 403)."""


class NotFound(TaskmillError):
    """No such thing, or not visible to this token's user (HTTP 404)."""


class ValidationError(TaskmillError):
    """The request was refused as invalid; `details` lists the failing fields (HTTP 400)."""


class JobFailed(TaskmillError):
    """The job ended in failure or was canceled; `traceback` is the remote one, if any."""

    def __init__(self, job_id: str, error: dict[str, Any] | None, status: str = "failure") -> None:
        error = error or {}
        self.job_id, self.error, self.job_status = job_id, error, status
        self.kind = error.get("kind")
        self.traceback = error.get("traceback")
        message = f"job {job_id} {status}: {error.get('message') or self.kind or 'no message'}"
        if self.traceback:
            message += f"\n\nRemote traceback:\n{self.traceback}"
        super().__init__(message, code="job_failed", details=error)


class JobTimeout(TaskmillError):
    """The job did not finish within the time the caller was willing to wait."""

    def __init__(self, job_id: str, waited_s: float) -> None:
        self.job_id = job_id
        super().__init__(f"job {job_id} still running after {waited_s:.0f}s")


BY_STATUS = {400: ValidationError, 401: Unauthorized, 403: Forbidden, 404: NotFound}
