"""The result frame that the TypeScript, Go and SQL wrappers write on stdout.

One JSON object: `{"ok": true, "result": ...}` or `{"ok": false, "error": {"name",
"message", "traceback"}}` -- the same shape as the Python wrapper's, read the same way.
"""
from __future__ import annotations

import json
from typing import Any

from worker.languages.base import exit_failure
from worker.sandbox.base import FailureKind, RunOutcome

ERROR_KINDS = {"ResultNotJSON": FailureKind.RESULT_NOT_JSON}
"""Wrapper error names that are not plain job errors."""


def frame_outcome(exit_code: int, stdout: bytes) -> RunOutcome:
    """The outcome a wrapper reported in its frame, or what its exit code says without one."""
    frame = _read_frame(stdout)
    if frame is None:  # the job left through exit() or was killed: no frame was written
        return RunOutcome.ok(None, exit_code) if exit_code == 0 else exit_failure(exit_code)
    if frame.get("ok"):
        return RunOutcome.ok(frame.get("result"), exit_code)
    error = frame.get("error") or {}
    name, message = str(error.get("name") or "Error"), str(error.get("message") or "")
    kind = ERROR_KINDS.get(name, FailureKind.EXCEPTION)
    if kind is FailureKind.EXCEPTION:
        message = f"{name}: {message}" if message else name
    return RunOutcome.failed(kind, message, traceback=error.get("traceback"), exit_code=exit_code)


def _read_frame(stdout: bytes) -> dict[str, Any] | None:
    try:
        frame = json.loads(stdout)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None
