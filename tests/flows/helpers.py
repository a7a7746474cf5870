"""Helpers for flow tests: save flows and scripts through the API, run flows, read steps."""
from __future__ import annotations

import time
from typing import Any

import yaml

FINISHED = {"success", "failure", "canceled"}


def py(body: str, params: str = "") -> dict[str, Any]:
    """An inline Python step: `def main(<params>):` followed by `body` (indented for you)."""
    code = f"def main({params}):\n" + "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    return {"type": "rawscript", "language": "python", "content": code}


def expr(text: str) -> dict[str, str]:
    return {"type": "expr", "expr": text}


def static(value: Any) -> dict[str, Any]:
    return {"type": "static", "value": value}


def save_flow(client, auth, path: str, definition: dict | str, *, expect: int = 201) -> dict:
    body = {"path": path, "source": definition} if isinstance(definition, str) else {"path": path, **definition}
    response = client.post("/api/w/main/flows", headers=auth, json=body)
    assert response.status_code == expect, response.json
    return response.json


def save_script(client, auth, path: str, content: str, language: str = "python", **extra) -> dict:
    response = client.post("/api/w/main/scripts", headers=auth,
                           json={"path": path, "language": language, "content": content, **extra})
    assert response.status_code == 201, response.json
    return response.json


def run_flow(client, auth, path: str, args: dict | None = None) -> str:
    response = client.post(f"/api/w/main/jobs/run/f/{path}", json=args or {}, headers=auth)
    assert response.status_code == 201, response.json
    return response.json["id"]


def job(client, auth, job_id: str) -> dict:
    return client.get(f"/api/w/main/jobs/{job_id}", headers=auth).json


def wait_for(client, auth, job_id: str, statuses=FINISHED, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    state = job(client, auth, job_id)
    while state["status"] not in statuses:
        if time.monotonic() > deadline:
            raise AssertionError(f"flow {job_id} still {state['status']} after {timeout}s: "
                                 f"{summary(steps(client, auth, job_id))}")
        time.sleep(0.2)
        state = job(client, auth, job_id)
    return state


def run_and_wait(client, auth, path: str, args: dict | None = None, **kwargs) -> dict:
    return wait_for(client, auth, run_flow(client, auth, path, args), **kwargs)


def steps(client, auth, job_id: str) -> list[dict]:
    response = client.get(f"/api/w/main/jobs/{job_id}/steps", headers=auth)
    assert response.status_code == 200, response.json
    return response.json


def step(all_steps: list[dict], step_id: str) -> dict:
    """The latest attempt of a module (of a module outside loops: its only run)."""
    found = [s for s in all_steps if s["step_id"] == step_id and s["kind"] in ("step", "flow")]
    assert found, f"no step {step_id!r} in {summary(all_steps)}"
    return max(found, key=lambda s: s["attempt"])


def attempts(all_steps: list[dict], step_id: str) -> list[dict]:
    return sorted((s for s in all_steps if s["step_id"] == step_id and s["kind"] in ("step", "flow")),
                  key=lambda s: s["attempt"])


def summary(all_steps: list[dict]) -> list[tuple]:
    return [(s["step_id"], s["kind"], s["status"], s["attempt"]) for s in all_steps]


def as_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, sort_keys=False)
