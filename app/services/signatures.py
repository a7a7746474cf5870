"""HMAC signatures of webhook requests, in the style of Stripe's.

The caller sends `X-Taskmill-Signature: t=<unix seconds>,v1=<hex>` where
`hex = HMAC-SHA256(secret, f"{t}.{raw body}")`, computed over the exact bytes sent. A
request is accepted when one `v1` matches (compared in constant time), `t` is within the
replay window of now, and that signature has not been accepted before (a Redis key set
with NX and a TTL covering the window remembers it).
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Callable

from app.errors import BadSignature, Replayed, StaleSignature

HEADER = "X-Taskmill-Signature"
SCHEME = "v1"

SeenBefore = Callable[[str, int], bool]
"""(signature, ttl seconds) → True if already seen; records it otherwise."""


def digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a sender puts on a request with this body."""
    return f"t={timestamp},{SCHEME}={digest(secret, timestamp, body)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        raise BadSignature(f"{HEADER} must look like t=<unix seconds>,{SCHEME}=<hex hmac>",
                           {"header": HEADER})
    return timestamp, signatures


def verify(secret: str, header: str | None, body: bytes, now: int, window_s: int,
           seen_before: SeenBefore) -> None:
    """Accept the request or raise BadSignature, StaleSignature or Replayed."""
    if not header:
        raise BadSignature(f"this webhook is signed: send {HEADER}", {"header": HEADER})
    timestamp, signatures = _parse(header)
    expected = digest(secret, timestamp, body)
    match = next((s for s in signatures if hmac.compare_digest(s, expected)), None)
    if match is None:
        raise BadSignature("the signature does not match the request body", {"header": HEADER})
    if abs(now - timestamp) > window_s:
        raise StaleSignature(f"the signature's timestamp is more than {window_s}s from now",
                             {"timestamp": timestamp, "now": now, "window_s": window_s})
    if seen_before(match, 2 * window_s):
        raise Replayed("this signed request was already accepted", {"timestamp": timestamp})
