"""Which runners the workers use, as they report it in Redis (the UI warns when unsandboxed)."""
from __future__ import annotations

import redis

KEY_PREFIX = "taskmill:worker:"
REPORT_TTL_S = 600
"""A worker that has not reported for this long is no longer listed."""


def report_runner(client: redis.Redis, worker: str, runner: str, sandboxed: bool) -> None:
    client.set(f"{KEY_PREFIX}{worker}", f"{runner}:{int(sandboxed)}", ex=REPORT_TTL_S)


def runners(client: redis.Redis) -> dict[str, tuple[str, bool]]:
    """worker name → (runner name, sandboxed) for every worker seen recently."""
    found = {}
    for key in client.scan_iter(f"{KEY_PREFIX}*"):
        value = client.get(key)
        if value:
            runner, _, sandboxed = value.decode().partition(":")
            found[key.decode()[len(KEY_PREFIX):]] = (runner, sandboxed == "1")
    return found


def any_unsandboxed(client: redis.Redis) -> bool:
    try:
        return any(not sandboxed for _, sandboxed in runners(client).values())
    except redis.RedisError:
        return False
