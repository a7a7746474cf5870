"""What both backends do around a running program: stream its logs, collect its result
frame within a size cap, kill it at the timeout or on cancel, and name the final outcome."""
from __future__ import annotations

import codecs
import logging
import threading
import time
from typing import TYPE_CHECKING, Callable

from worker.sandbox.base import FailureKind, Limits, OutputCallback, RunOutcome
from worker.ticker import WATCHDOGS

if TYPE_CHECKING:  # worker.languages imports this package: no cycle at run time
    from worker.languages import Language

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 0.05
"""How often the watchdog looks at the cancel flag and the clock (cancel latency)."""


class LogStream:
    """Decodes log bytes as UTF-8 for the callback, never splitting a multibyte character."""

    def __init__(self, on_output: OutputCallback) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._on_output = on_output

    def feed(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            self._on_output(text)

    def close(self) -> None:
        """Flush what is left (an incomplete character becomes U+FFFD)."""
        text = self._decoder.decode(b"", final=True)
        if text:
            self._on_output(text)


class EndMarker:
    """Watches the log stream for the wrapper's end-of-output marker and strips it.

    The wrapper writes the marker on stderr after the result frame and after flushing every
    log line; stderr is one ordered pipe, so once the marker is seen nothing more will come,
    and the backend need not wait for the container to stop before answering.
    """

    def __init__(self, marker: bytes | None) -> None:
        self.marker = marker
        self.seen = False
        self._held = b""

    def filter(self, data: bytes) -> bytes:
        """The log bytes to pass on: everything but the marker (held back while ambiguous)."""
        if not self.marker or self.seen:
            return data
        data, self._held = self._held + data, b""
        at = data.find(self.marker)
        if at >= 0:
            self.seen = True
            return data[:at] + data[at + len(self.marker):]
        keep = max((n for n in range(1, len(self.marker)) if data.endswith(self.marker[:n])), default=0)
        if keep:
            data, self._held = data[:-keep], data[-keep:]
        return data

    def flush(self) -> bytes:
        held, self._held = self._held, b""
        return held


class ResultBuffer:
    """Collects the result channel up to `limit` bytes; past it, drains and drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._chunks: list[bytes] = []

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        if self.size <= self.limit:
            self._chunks.append(data)

    @property
    def too_large(self) -> bool:
        return self.size > self.limit

    @property
    def complete_line(self) -> bool:
        """The frame so far ends with a newline (a one-line frame is then complete)."""
        return bool(self._chunks) and not self.too_large and self._chunks[-1].endswith(b"\n")

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


class Watchdog:
    """Context manager that calls `kill` at the timeout or when `cancel` is set (a duty of
    the process's watchdog Ticker while the block runs).

    After the block, `verdict` is TIMEOUT or CANCELED if the watchdog killed the program,
    else None. Leaving the block stops the watchdog at once.
    """

    def __init__(self, timeout_s: float, cancel: threading.Event,
                 kill: Callable[[], None]) -> None:
        self.timeout_s = timeout_s
        self.verdict: FailureKind | None = None
        self._cancel = cancel
        self._kill = kill
        self._deadline = 0.0
        self._handle: int | None = None

    def __enter__(self) -> "Watchdog":
        self._deadline = time.monotonic() + self.timeout_s
        self._handle = WATCHDOGS.every(WATCH_INTERVAL_S, self._watch)
        return self

    def __exit__(self, *exc_info: object) -> None:
        WATCHDOGS.cancel(self._handle)

    def _watch(self) -> bool:
        """One look; False once it has killed the program."""
        if self._cancel.is_set():
            self.verdict = FailureKind.CANCELED
        elif time.monotonic() >= self._deadline:
            self.verdict = FailureKind.TIMEOUT
        else:
            return True
        try:
            self._kill()
        except Exception:  # the run's own cleanup still removes what is left
            log.exception("killing a %s job failed", self.verdict.value)
        return False


def memory_exceeded(limits: Limits, exit_code: int | None) -> RunOutcome:
    return RunOutcome.failed(FailureKind.MEMORY,
                             f"exceeded the memory limit of {limits.memory_mb} MB",
                             exit_code=exit_code)


def final_outcome(language: Language, limits: Limits, *, verdict: FailureKind | None,
                  exit_code: int, result: ResultBuffer, oom_killed: bool = False) -> RunOutcome:
    """The outcome of a finished run; the watchdog's and the kernel's word come first."""
    if verdict is FailureKind.TIMEOUT:
        return RunOutcome.failed(verdict, f"timed out after {limits.timeout_s:g}s",
                                 exit_code=exit_code)
    if verdict is FailureKind.CANCELED:
        return RunOutcome.failed(verdict, "canceled", exit_code=exit_code)
    if oom_killed:
        return memory_exceeded(limits, exit_code)
    if result.too_large:
        return RunOutcome.failed(FailureKind.RESULT_TOO_LARGE,
                                 f"the result is larger than {result.limit} bytes",
                                 exit_code=exit_code)
    outcome = language.outcome(exit_code, result.getvalue())
    if outcome.failure is FailureKind.MEMORY:
        return memory_exceeded(limits, exit_code)
    return outcome


def sandbox_failure(exc: BaseException) -> RunOutcome:
    """The outcome when the backend itself failed; logged with its traceback."""
    log.exception("sandbox failure")
    return RunOutcome.failed(FailureKind.SANDBOX, f"{type(exc).__name__}: {exc}")
