"""SQL jobs: PostgreSQL statements run in one transaction against the `database` argument.

The worker prepares the run: it reads the `-- $N name (type)` declarations with the same code
that made the script's schema (app.introspection.sql) and rewrites each `$N` as a typed
psycopg2 placeholder. Envelope: one JSON line `{"statement", "parameters": [{name, position,
kind, array}], "args"}`. The wrapper (images/sql/wrapper.py) checks each value against its
declared kind before connecting, binds them, commits or rolls back, and writes the common
frame (see `frames`) with the last statement's rows as a list of objects.
"""
from __future__ import annotations

import json

from app.introspection.sql import declared_parameters, to_pyformat
from worker.languages.base import Language, this_python
from worker.languages.frames import frame_outcome
from worker.sandbox.base import RunOutcome, RunSpec


class Sql(Language):
    """PostgreSQL through psycopg2 (Debian's python3-psycopg2 in the image, the venv's locally)."""

    name = "sql"
    wrapper = "wrapper.py"
    interpreter = ("python3", "-u")

    def local_interpreter(self) -> tuple[str, ...]:
        return this_python()

    def envelope(self, spec: RunSpec) -> bytes:
        parameters = declared_parameters(spec.code)
        payload = {
            "statement": to_pyformat(spec.code, parameters),
            "parameters": [{"name": p.name, "position": p.position, "kind": p.kind,
                            "array": p.array} for p in parameters],
            "args": spec.args,
        }
        return (json.dumps(payload) + "\n").encode()

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        return frame_outcome(exit_code, stdout)
