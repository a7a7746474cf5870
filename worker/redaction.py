"""Keeping a job's secrets out of its logs, its stored error and the worker's own logging.

The executor builds one Redactor per run from the clear values of the secrets the run's
references resolved to, plus a `learn` source of the secrets the running job fetches through
the API with its job token (app.services.secret_reads): `refresh` adds those, and the log
sink calls it before it masks each flush. Every occurrence, and its JSON-escaped form,
becomes `*****`.
"""
from __future__ import annotations

import json
import logging
import re
import traceback
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

MASK = "*****"


def _forms(secret: str) -> set[str]:
    # A script that prints json.dumps(...) shows a secret with its quotes and backslashes escaped.
    return {secret, json.dumps(secret)[1:-1]} if secret else set()


class Redactor:
    """Masks secrets in text; as a stream filter (`feed` then `end`) it also catches a secret
    split across two chunks, by holding back an end of the text that could start one."""

    def __init__(self, secrets: Iterable[str] = (),
                 learn: Callable[[], Iterable[str]] | None = None) -> None:
        self._learn = learn
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self._held = ""
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these secrets too, from now on."""
        forms = set(self._secrets).union(*(_forms(s) for s in secrets))
        if len(forms) == len(self._secrets):
            return
        self._secrets = sorted(forms, key=len, reverse=True)  # longest first: no partial masks
        # One assignment: a logging filter on another thread sees the old or the new pattern.
        self._pattern = re.compile("|".join(map(re.escape, self._secrets)))

    def refresh(self) -> None:
        """Add the secrets `learn` reports as newly handed to the job (none without `learn`)."""
        if self._learn is not None:
            self.add(self._learn())

    @property
    def active(self) -> bool:
        """Whether there is anything to mask."""
        return self._pattern is not None

    def redact(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern else text

    def feed(self, chunk: str) -> str:
        """The part of the stream so far that is safe to show now."""
        if self._pattern is None:
            return chunk
        text = self.redact(self._held + chunk)
        cut = len(text) - self._open_secret_length(text)
        text, self._held = text[:cut], text[cut:]
        return text

    def end(self) -> str:
        """What was held back, once the stream is over (it completed no secret)."""
        held, self._held = self._held, ""
        return held

    def _open_secret_length(self, text: str) -> int:
        """Length of the longest end of `text` that is a proper prefix of some secret."""
        longest = min(len(text), len(self._secrets[0]) - 1)
        for size in range(longest, 0, -1):
            tail = text[-size:]
            if any(secret.startswith(tail) for secret in self._secrets):
                return size
        return 0


class RedactingFilter(logging.Filter):
    """Rewrites a log record, message and traceback included, with the secrets masked."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.msg, record.args = self.redactor.redact(message), ()
        record.exc_info, record.exc_text = None, None
        return True


@contextmanager
def redacted_logging(redactor: Redactor) -> Iterator[None]:
    """While a job runs, mask its secrets in whatever this process logs (root handlers)."""
    handlers = list(logging.getLogger().handlers) if redactor.active else []
    scrubber = RedactingFilter(redactor)
    for handler in handlers:
        handler.addFilter(scrubber)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(scrubber)
