"""Bash jobs: a script run with the job's args as positional parameters.

Envelope: NUL-terminated fields (argument count, script, each argument, variable count, each
`NAME=value` environment variable), so the wrapper
parses it with `read -d ''` and needs neither jq nor EOF. Result: the last line the script
printed on stdout, as JSON when it parses, else as a string; null when it printed nothing.
"""
from __future__ import annotations

import json
from typing import Any

from worker.languages.base import Language, exit_failure
from worker.sandbox.base import RunOutcome, RunSpec


class Bash(Language):
    """GNU Bash (bookworm's bash in the image, the host's bash locally)."""

    name = "bash"
    wrapper = "wrapper.sh"
    interpreter = ("bash",)

    def envelope(self, spec: RunSpec) -> bytes:
        variables = [f"{name}={value}" for name, value in spec.env.items()]
        fields = [str(len(spec.args)), spec.code, *map(_as_text, spec.args.values()),
                  str(len(variables)), *variables]
        if any("\0" in field for field in fields):
            raise ValueError("bash scripts and arguments cannot contain NUL characters")
        return b"".join(field.encode() + b"\0" for field in fields)

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        if exit_code != 0:
            return exit_failure(exit_code)
        return RunOutcome.ok(_last_line_value(stdout), exit_code)


def _as_text(value: Any) -> str:
    """Strings pass as they are; other JSON values as their JSON text (true, 3, [1])."""
    return value if isinstance(value, str) else json.dumps(value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _last_line_value(stdout: bytes) -> Any:
    if not stdout:
        return None
    line = stdout.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")
    try:
        return json.loads(line, parse_constant=_reject_constant)
    except ValueError:
        return line
