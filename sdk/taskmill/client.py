"""The Taskmill client: run scripts and flows, follow jobs, read and write platform data.

Outside Taskmill, give it a base URL, a token and a workspace (or set TASKMILL_BASE_URL,
TASKMILL_TOKEN and TASKMILL_WORKSPACE). Inside a job, those variables are set by the worker,
with a token that has the rights of whoever started the job, so `Client()` just works.
"""
from __future__ import annotations

import os
import time
import urllib.parse
from typing import Any

from taskmill.errors import JobFailed, JobTimeout, TaskmillError
from taskmill.progress import JobProgress
from taskmill.transport import Transport

FINISHED = ("success", "failure", "canceled")
POLL_START_S = 0.2
POLL_MAX_S = 2.0
"""Polling backs off from 200 ms to 2 s, so short jobs return fast and long ones cost little."""


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/")


class Client:
    def __init__(self, base_url: str | None = None, token: str | None = None,
                 workspace: str | None = None, *, timeout_s: float = 30.0) -> None:
        base_url = base_url or os.environ.get("TASKMILL_BASE_URL")
        token = token or os.environ.get("TASKMILL_TOKEN")
        self.workspace = workspace or os.environ.get("TASKMILL_WORKSPACE")
        if not (base_url and token and self.workspace):
            raise TaskmillError("Client needs base_url, token and workspace "
                                "(or TASKMILL_BASE_URL, TASKMILL_TOKEN, TASKMILL_WORKSPACE)")
        self.http = Transport(base_url, token, timeout_s)

    def _ws(self, path: str) -> str:
        return f"/api/w/{self.workspace}{path}"

    # -- runs ---------------------------------------------------------------------------
    def run_script_async(self, path: str, args: dict[str, Any] | None = None) -> str:
        """Start the latest version of the script at `path`; returns the job id."""
        return self.http.request("POST", self._ws(f"/jobs/run/p/{_quote(path)}"), args or {})[1]["id"]

    def run_script_many(self, path: str, runs: list[dict[str, Any]]) -> list[str]:
        """Start the script once per argument dict in `runs` (up to 1,000 per call), all or
        none; returns the job ids in the order of `runs`."""
        url = self._ws(f"/jobs/run_many/p/{_quote(path)}")
        return self.http.request("POST", url, {"runs": runs})[1]["ids"]

    def run_script(self, path: str, args: dict[str, Any] | None = None, *,
                   timeout_s: float | None = None, progress: bool = False) -> Any:
        """Run the script and return its result; raises JobFailed with the remote traceback."""
        job_id = self.run_script_async(path, args)
        return self.wait_job(job_id, timeout_s=timeout_s, progress=progress)

    def run_flow(self, path: str, args: dict[str, Any] | None = None, *,
                 timeout_s: float | None = None, progress: bool = False) -> Any:
        """Run the flow at `path` and return its result."""
        job_id = self.http.request("POST", self._ws(f"/jobs/run/f/{_quote(path)}"), args or {})[1]["id"]
        return self.wait_job(job_id, timeout_s=timeout_s, progress=progress)

    def get_job(self, job_id: str) -> dict[str, Any]:
        """The job's status, timings, args, result and error."""
        return self.http.request("GET", self._ws(f"/jobs/{job_id}"))[1]

    def get_result(self, job_id: str) -> Any:
        """The result of a finished job; JobFailed if it failed, TaskmillError if not finished."""
        return _result_of(self.get_job(job_id))

    def wait_job(self, job_id: str, *, timeout_s: float | None = None, progress: bool = False) -> Any:
        """Block until the job finishes, then return its result (JobTimeout past `timeout_s`)."""
        started, delay = time.monotonic(), POLL_START_S
        with JobProgress(job_id, enabled=progress) as bar:
            while True:
                job = self.get_job(job_id)
                bar.update(job["status"])
                if job["status"] in FINISHED:
                    return _result_of(job)
                if timeout_s is not None and time.monotonic() - started > timeout_s:
                    raise JobTimeout(job_id, timeout_s)
                time.sleep(delay)
                delay = min(delay * 1.5, POLL_MAX_S)

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        """Cancel a queued or running job; returns its state."""
        return self.http.request("POST", self._ws(f"/jobs/{job_id}/cancel"))[1]

    # -- variables, resources, state -----------------------------------------------------
    def get_variable(self, path: str) -> str:
        """A variable's value (a secret's plaintext, if the token's user may read it)."""
        return self.http.request("GET", self._ws(f"/variables/p/{_quote(path)}"))[1]["value"]

    def set_variable(self, path: str, value: str, *, is_secret: bool = False, description: str = "") -> None:
        """Create or update a variable."""
        body = {"value": value, "is_secret": is_secret, "description": description}
        self._upsert(f"/variables/p/{_quote(path)}", "/variables", {"path": path, **body}, body)

    def get_resource(self, path: str, *, resolve: bool = True) -> Any:
        """A resource's value, with its `$var:` references resolved unless resolve=False."""
        query = {"resolve": "true" if resolve else "false"}
        return self.http.request("GET", self._ws(f"/resources/p/{_quote(path)}"), query=query)[1]["value"]

    def set_resource(self, path: str, value: Any, *, resource_type: str, description: str = "") -> None:
        """Create or update a resource (validated by the server against its type)."""
        body = {"value": value, "resource_type": resource_type, "description": description}
        self._upsert(f"/resources/p/{_quote(path)}", "/resources", {"path": path, **body}, body)

    def get_state(self, key: str | None = None) -> Any:
        """The stored state (default: this job's script state); None if never set."""
        try:
            return self.http.request("GET", self._ws(f"/state/{self._state_key(key)}"))[1]["value"]
        except TaskmillError as error:
            if error.status == 404:
                return None
            raise

    def set_state(self, value: Any, key: str | None = None) -> None:
        """Replace the stored state with `value` (any JSON value)."""
        self.http.request("PUT", self._ws(f"/state/{self._state_key(key)}"), {"value": value})

    def _state_key(self, key: str | None) -> str:
        key = key or os.environ.get("TASKMILL_STATE_KEY")
        if not key:
            raise TaskmillError("no state key: pass one, or call from inside a job")
        return _quote(key)

    def _upsert(self, item_path: str, collection: str, create_body: dict, update_body: dict) -> None:
        try:
            self.http.request("POST", self._ws(item_path), update_body)
        except TaskmillError as error:
            if error.status != 404:
                raise
            self.http.request("POST", self._ws(collection), create_body)


def _result_of(job: dict[str, Any]) -> Any:
    if job["status"] == "success":
        return job["result"]
    if job["status"] in ("failure", "canceled"):
        raise JobFailed(job["id"], job.get("error"), job["status"])
    raise TaskmillError(f"job {job['id']} is still {job['status']}")
