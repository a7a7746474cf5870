"""Small helpers for end-to-end tests that drive the API while a real worker runs jobs."""
from __future__ import annotations

import time

FINISHED = {"success", "failure", "canceled"}


def save_script(client, auth, path: str, language: str, content: str, **extra) -> dict:
    response = client.post("/api/w/main/scripts", headers=auth,
                           json={"path": path, "language": language, "content": content, **extra})
    assert response.status_code == 201, response.json
    return response.json


def run(client, auth, path: str, args: dict | None = None) -> str:
    response = client.post(f"/api/w/main/jobs/run/p/{path}", json=args or {}, headers=auth)
    assert response.status_code == 201, response.json
    return response.json["id"]


def job(client, auth, job_id: str) -> dict:
    return client.get(f"/api/w/main/jobs/{job_id}", headers=auth).json


def wait_for(client, auth, job_id: str, statuses=FINISHED, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = job(client, auth, job_id)
        if state["status"] in statuses:
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {state['status']} after {timeout}s")


def logs(client, auth, job_id: str) -> str:
    return client.get(f"/api/w/main/jobs/{job_id}/logs", headers=auth).json["logs"]
