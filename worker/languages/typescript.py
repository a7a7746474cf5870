"""TypeScript jobs on Bun: `export async function main(...)`, called with positional args.

Envelope: one JSON line `{"code": ..., "args": [...], "env": {...}, "deps": <dir>}`, the values
in declaration order (the introspector's `run_args` orders them and fills every position);
`deps` names the job's cached npm install (its node_modules is linked beside the script). The
runner sets the job's environment variables itself (a container started before the job can
serve it) and runs the code as a module with Bun (see `images/typescript/runner.ts`); the
result channel is the common frame (see `frames`). A null argument reaches main() as
`undefined`: JSON cannot say "left out".
"""
from __future__ import annotations

import json

from worker.languages.base import Language
from worker.languages.frames import frame_outcome
from worker.sandbox.base import RunOutcome, RunSpec


class TypeScript(Language):
    """TypeScript (and JavaScript) on Bun 1.x: from npm in the image, the host's `bun` locally."""

    name = "typescript"
    wrapper = "wrapper.sh"
    interpreter = ("bash",)

    def envelope(self, spec: RunSpec) -> bytes:
        payload = {"code": spec.code, "args": list(spec.args.values()), "env": spec.env,
                   "deps": spec.deps}
        return (json.dumps(payload) + "\n").encode()

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        return frame_outcome(exit_code, stdout)
