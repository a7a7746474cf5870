"""Local backend: the language wrappers run as plain host processes. NOT a sandbox.

For the embedded profile on machines without a Docker engine. User code can do whatever the
worker's user can; the only guards are a fresh temp dir per job, a minimal environment, a
virtual-memory rlimit, and killing the whole process group at the timeout or on cancel.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import threading
from functools import partial
from typing import IO, Callable

from config import Settings
# A module import, not `from ... import`: worker.languages imports worker.sandbox.base,
# so either package may be the one still initializing when the other needs it.
import worker.languages as languages
from worker.sandbox.base import OutputCallback, RunOutcome, RunSpec
from worker.sandbox.supervision import (EndMarker, LogStream, ResultBuffer, Watchdog, final_outcome,
                                        sandbox_failure)

CHUNK_BYTES = 64 * 1024
"""Read size of the log and result pipes."""


class LocalBackend:
    """Runs each job as a host subprocess of the worker (unsandboxed)."""

    name = "local"
    sandboxed = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def discard(self, job_id: str) -> None:
        """Nothing to find: a local run's process tree is not tracked beyond its worker."""

    def reap_orphans(self, owner_alive) -> int:  # noqa: ANN001
        """No pool, nothing to reap."""
        return 0

    def run(self, spec: RunSpec, on_output: OutputCallback,
            cancel: threading.Event) -> RunOutcome:
        try:
            language = languages.get_language(spec.language)
            envelope = language.envelope(spec)
            with tempfile.TemporaryDirectory(prefix="taskmill-job-") as workdir:
                return self._run_in(workdir, spec, language, envelope, on_output, cancel)
        except Exception as exc:  # a backend reports failures as outcomes, never raises
            return sandbox_failure(exc)

    def _run_in(self, workdir: str, spec: RunSpec, language: languages.Language,
                envelope: bytes, on_output: OutputCallback,
                cancel: threading.Event) -> RunOutcome:
        logs = LogStream(on_output)
        result = ResultBuffer(self.settings.max_result_bytes)
        end = EndMarker(language.end_marker(spec))  # a local process exits fast: only strip it
        process = subprocess.Popen(
            language.local_command(), cwd=workdir, env=job_environment(spec, workdir),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            bufsize=0, start_new_session=True,  # its own process group, killed as a whole
            preexec_fn=partial(_limit_memory, spec.limits.memory_mb))
        try:
            with Watchdog(spec.limits.timeout_s, cancel, partial(_kill_group, process)) as dog:
                reader = threading.Thread(target=_pump, args=(process.stdout, result.feed),
                                          daemon=True)
                reader.start()
                _send(process.stdin, envelope)
                _pump(process.stderr, lambda data: logs.feed(end.filter(data)))
                logs.feed(end.flush())
                reader.join()
                exit_code = _exit_status(process.wait())
        finally:
            _kill_group(process)  # background children a job left behind
            for pipe in (process.stdin, process.stdout, process.stderr):
                pipe.close()
        logs.close()
        outcome = final_outcome(language, spec.limits, verdict=dog.verdict,
                                exit_code=exit_code, result=result)
        outcome.isolation = "process"
        return outcome


def job_environment(spec: RunSpec, workdir: str) -> dict[str, str]:
    """A minimal environment: none of the worker's settings or secrets leak into jobs."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),  # host tools, as a local job expects
        "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
        # Each glibc malloc arena reserves 64 MB, which the memory limit would count.
        "MALLOC_ARENA_MAX": "2",
    }
    env.update(spec.env)
    return env


def _limit_memory(memory_mb: int) -> None:
    # RLIMIT_DATA, not RLIMIT_AS: runtimes that reserve large address ranges up front (Go,
    # Bun) cannot even start under an address-space cap, while heap growth is still capped.
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _send(stdin: IO[bytes], envelope: bytes) -> None:
    try:
        stdin.write(envelope)
        stdin.close()
    except BrokenPipeError:  # the wrapper died before reading; its exit status tells why
        pass


def _pump(pipe: IO[bytes], feed: Callable[[bytes], None]) -> None:
    while chunk := os.read(pipe.fileno(), CHUNK_BYTES):
        feed(chunk)


def _exit_status(returncode: int) -> int:
    """Popen's -N for "killed by signal N" as a shell (and Docker) reports it: 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
