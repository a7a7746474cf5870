"""Python jobs: `main(**args)` in a module, its return value as the JSON result.

Envelope: one JSON line `{"code": ..., "args": {...}, "env": {...}, "deps": <dir>,
"end_marker": ..., "linger": bool}`, `deps` naming the job's cached environment (its
`site-packages` goes first on sys.path), if any, and `linger` whether the wrapper may wait
TASKMILL_LINGER_S before exiting (RunSpec.linger).
Result channel: one JSON frame, `{"ok": true, "result": ...}` or `{"ok": false, "error":
{"name", "message", "traceback"}}` (see `images/python/wrapper.py`).
"""
from __future__ import annotations

import json
from typing import Any

from worker.languages.base import WRAPPER_DIR_IN_IMAGE, Language, exit_failure, this_python
from worker.sandbox.base import FailureKind, RunOutcome, RunSpec

ERROR_KINDS = {"ResultNotJSON": FailureKind.RESULT_NOT_JSON, "MemoryError": FailureKind.MEMORY}
"""Wrapper error names that are not plain user exceptions."""


class Python(Language):
    """Python 3.11 (bookworm's python3 in the image, the worker's own interpreter locally)."""

    name = "python"
    lingers = True
    wrapper = "wrapper.py"
    interpreter = ("python3", "-u")
    bundles_sdk = True

    def local_interpreter(self) -> tuple[str, ...]:
        return this_python()

    def warm_command(self) -> list[str]:
        return [*self.interpreter, f"{WRAPPER_DIR_IN_IMAGE}/warm.py"]

    def end_marker(self, spec: RunSpec) -> bytes:
        # Derived from the job id, so each run has its own and a job cannot end another's.
        return f"\x00taskmill-end-{spec.job_id}\x00".encode()

    def envelope(self, spec: RunSpec) -> bytes:
        envelope = {"code": spec.code, "args": spec.args, "env": spec.env, "deps": spec.deps,
                    "end_marker": self.end_marker(spec).decode(), "linger": spec.linger}
        return (json.dumps(envelope) + "\n").encode()

    def completed_status(self, stdout: bytes) -> int:
        frame = _read_frame(stdout) or {}
        if "exit_code" in frame:
            return int(frame["exit_code"])
        return 0 if frame.get("ok") else 1

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        frame = _read_frame(stdout)
        if frame is None:
            # No frame: the program left through sys.exit/os._exit or was killed.
            return RunOutcome.ok(None, exit_code) if exit_code == 0 else exit_failure(exit_code)
        if frame.get("ok"):
            return RunOutcome.ok(frame.get("result"), exit_code)
        if "exit_code" in frame:  # warm mode: the job exited without a result frame
            code = int(frame["exit_code"])
            return RunOutcome.ok(None, 0) if code == 0 else exit_failure(code)
        return _error_outcome(frame.get("error") or {}, exit_code)


def _read_frame(stdout: bytes) -> dict[str, Any] | None:
    try:
        frame = json.loads(stdout)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def _error_outcome(error: dict[str, Any], exit_code: int) -> RunOutcome:
    name = str(error.get("name", "Error"))
    kind = ERROR_KINDS.get(name, FailureKind.EXCEPTION)
    message = str(error.get("message", ""))
    if kind is FailureKind.EXCEPTION:
        message = f"{name}: {message}" if message else name
    return RunOutcome.failed(kind, message, traceback=error.get("traceback"),
                             exit_code=exit_code)
