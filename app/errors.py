"""One error tree for the whole product; each error maps to one HTTP status and code."""
from __future__ import annotations

from typing import Any


class TaskmillError(Exception):
    """Base of every error Taskmill raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationFailed(TaskmillError):
    """Input does not match its schema; `details` lists every failing field."""

    code = "validation_error"


class NotFound(TaskmillError):
    status = 404
    code = "not_found"


class Unauthorized(TaskmillError):
    status = 401
    code = "unauthorized"


class Forbidden(TaskmillError):
    status = 403
    code = "forbidden"


class Conflict(TaskmillError):
    status = 409
    code = "conflict"


class InvalidState(TaskmillError):
    """The action does not apply to the object's current state (e.g. cancel a finished job)."""

    status = 409
    code = "invalid_state"


class QueueUnavailable(TaskmillError):
    """The broker refused the job message."""

    status = 503
    code = "queue_unavailable"


class BadSignature(Unauthorized):
    """A signed webhook's request has no signature, or one that does not match its body."""

    code = "bad_signature"


class StaleSignature(Unauthorized):
    """A signed webhook's request carries a timestamp outside the replay window."""

    code = "stale_signature"


class Replayed(Conflict):
    """A signed webhook's request was already accepted once."""

    code = "replayed"
