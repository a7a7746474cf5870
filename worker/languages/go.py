"""Go jobs: a file with `func main(<params>) (<result>, error)`, compiled once per version.

Envelope: one JSON line `{"code": ..., "args": {...}, "env": {...}, "deps": <dir>}` (the wrapper
gives the job binary those environment variables). The wrapper (a Go program, see
`images/go/wrapper.go`) renames the user's main, generates a harness that decodes each
argument by name into its declared Go type, builds with `go build` against the standard
library only, and runs the binary. The executor has the binary built once per code version
before the run (worker/deps: the wrapper's `build` mode in a build container) and `deps`
names its folder: the wrapper then runs `<deps>/main` without compiling. Without `deps` (a
backend driven directly), the job compiles itself as above. Result channel: the common frame (see `frames`); a build
failure is an EXCEPTION whose message starts with "compile error: main.go:<line>:<col>".
"""
from __future__ import annotations

import json

from worker.languages.base import WRAPPER_DIR_IN_IMAGE, Language
from worker.languages.frames import frame_outcome
from worker.sandbox.base import RunOutcome, RunSpec

WRAPPER_BINARY = "go-wrapper"
"""The wrapper, compiled when the image is built (so a job only compiles its own code)."""


class Go(Language):
    """Go (bookworm's golang-go, 1.19) in the image; the host's `go` locally."""

    name = "go"
    wrapper = "wrapper.go"
    interpreter = ()  # the wrapper is a program of its own (see image_command)

    def image_command(self) -> list[str]:
        return [f"{WRAPPER_DIR_IN_IMAGE}/{WRAPPER_BINARY}"]

    def local_command(self) -> list[str]:
        # Not `go run`: it reports any failing exit status as 1. Build into the job's temp
        # dir, then exec the wrapper so its status is the job's.
        script = 'go build -o "$TMPDIR/go-wrapper" "$0" >&2 && exec "$TMPDIR/go-wrapper"'
        return ["bash", "-c", script, str(self.wrapper_path)]

    def envelope(self, spec: RunSpec) -> bytes:
        payload = {"code": spec.code, "args": spec.args, "env": spec.env, "deps": spec.deps}
        return (json.dumps(payload) + "\n").encode()

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        return frame_outcome(exit_code, stdout)
