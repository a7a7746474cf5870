"""Buffers a job's log output between flushes, masks its secrets and enforces the log cap.

Masking happens when a flush drains the buffer, after the redactor has refreshed the secrets
the job fetched through the API: the job fetches a secret before it can print it, so the
text of a flush was always written after any fetch that refresh can see.
"""
from __future__ import annotations

import threading

from worker.redaction import Redactor

TRUNCATION_NOTICE = "\n[taskmill: log output past {limit} bytes was dropped]\n"
RAW_SLACK_CHARS = 64 * 1024
"""Unmasked text buffered beyond the room left under the cap (masks change lengths); more
is dropped at once, so a flood between two flushes cannot grow the worker's memory."""


class LogSink:
    """Thread-safe: the backend writes from its reader thread, the heartbeat drains.

    Text passes through the job's redactor when it is drained, so no secret reaches the
    database or the live log stream; call `finish` once the program has ended.
    """

    def __init__(self, max_bytes: int, redactor: Redactor | None = None) -> None:
        self.max_bytes = max_bytes
        self.kept_bytes = 0
        self.truncated = False
        self.redactor = redactor or Redactor()
        self._raw: list[str] = []
        self._raw_chars = 0
        self._ended = False
        self._pending: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            room = self.max_bytes - self.kept_bytes + RAW_SLACK_CHARS - self._raw_chars
            if self.truncated or room <= 0:
                return
            self._raw.append(text[:room])
            self._raw_chars += min(len(text), room)

    def finish(self) -> None:
        """The program has ended: the next drain also keeps what the redactor held back in
        case a secret continued in a later chunk."""
        with self._lock:
            self._ended = True

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
        """The masked text written since the last drain."""
        with self._lock:
            if not self._raw and not self._ended:
                return ""  # nothing new to mask: no need to ask which secrets the job fetched
            raw, self._raw, self._raw_chars = "".join(self._raw), [], 0
            try:
                self.redactor.refresh()  # after taking the text: it sees every earlier fetch
            except Exception:
                self._raw, self._raw_chars = [raw], len(raw)  # masked by a later drain
                raise
            self._keep(self.redactor.feed(raw))
            if self._ended:
                self._keep(self.redactor.end())
            chunk, self._pending = "".join(self._pending), []
            return chunk
