"""taskmill: the Python client of Taskmill.

    from taskmill import Client
    tm = Client("https://taskmill.example.com", token="tm_...", workspace="main")
    tm.run_script("f/ops/backup", {"bucket": "nightly"})

Inside a job, `Client()` needs no arguments, and the module-level helpers below use it:

    import taskmill
    count = (taskmill.get_state() or 0) + 1
    taskmill.set_state(count)
"""
from __future__ import annotations

from typing import Any

from taskmill.client import Client
from taskmill.errors import (Forbidden, JobFailed, JobTimeout, NotFound, TaskmillError, Unauthorized,
                             ValidationError)
from taskmill.resource import Resource

__all__ = ["Client", "Forbidden", "JobFailed", "JobTimeout", "NotFound", "Resource", "TaskmillError",
           "Unauthorized", "ValidationError", "get_resource", "get_state", "get_variable",
           "run_script", "set_state", "set_variable"]

_default: Client | None = None


def _client() -> Client:
    global _default
    if _default is None:
        _default = Client()
    return _default


def run_script(path: str, args: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """Run a script with the environment's client (inside a job: as the job's runner)."""
    return _client().run_script(path, args, **kwargs)


def get_variable(path: str) -> str:
    return _client().get_variable(path)


def set_variable(path: str, value: str, **kwargs: Any) -> None:
    _client().set_variable(path, value, **kwargs)


def get_resource(path: str, **kwargs: Any) -> Any:
    return _client().get_resource(path, **kwargs)


def get_state(key: str | None = None) -> Any:
    return _client().get_state(key)


def set_state(value: Any, key: str | None = None) -> None:
    _client().set_state(value, key)
