"""Buffers a job's log output between flushes and enforces the per-job log cap."""
from __future__ import annotations

import threading

TRUNCATION_NOTICE = "\n[taskmill: log output past {limit} bytes was dropped]\n"


class LogSink:
    """Thread-safe: the backend writes from its reader thread, the heartbeat drains."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.kept_bytes = 0
        self.truncated = False
        self._pending: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
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
