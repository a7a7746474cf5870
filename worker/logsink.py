"""Buffers a job's log output between flushes, masks its secrets and enforces the log cap."""
from __future__ import annotations

import threading

from worker.redaction import Redactor

TRUNCATION_NOTICE = "\n[taskmill: log output past {limit} bytes was dropped]\n"


class LogSink:
    """Thread-safe: the backend writes from its reader thread, the heartbeat drains.

    Text passes through the job's redactor before it is kept, so no secret reaches the
    database or the live log stream; call `finish` once the program has ended.
    """

    def __init__(self, max_bytes: int, redactor: Redactor | None = None) -> None:
        self.max_bytes = max_bytes
        self.kept_bytes = 0
        self.truncated = False
        self.redactor = redactor or Redactor()
        self._pending: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self._keep(self.redactor.feed(text))

    def finish(self) -> None:
        """Keep what the redactor held back in case a secret continued in the next chunk."""
        with self._lock:
            self._keep(self.redactor.end())

    def _keep(self, text: str) -> None:
        if self.truncated or not text:
            return
        encoded = text.encode("utf-8", "replace")
        room = self.max_bytes - self.kept_bytes
        if len(encoded) > room:
            text = encoded[:room].decode("utf-8", "ignore")
            text += TRUNCATION_NOTICE.format(limit=self.max_bytes)
            self.truncated = True
        self.kept_bytes += len(encoded[:room]) if self.truncated else len(encoded)
        self._pending.append(text)

    def drain(self) -> str:
        with self._lock:
            chunk, self._pending = "".join(self._pending), []
            return chunk
