"""Canceling a flow run stops it: running steps' containers are killed, nothing after runs."""
import time

import pytest

from tests.flows.helpers import job, py, run_flow, save_flow, steps, wait_for

pytestmark = pytest.mark.e2e


def wait_step(client, auth, job_id: str, step_id: str, status: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        found = [s for s in steps(client, auth, job_id) if s["step_id"] == step_id and s["status"] == status]
        if found:
            return found[0]
        assert time.monotonic() < deadline, steps(client, auth, job_id)
        time.sleep(0.2)


def test_cancel_kills_the_running_steps_and_ends_the_flow(client, auth, worker):
    save_flow(client, auth, "u/alice/long", {"modules": [
        {"id": "all", "value": {"type": "branchall", "parallel": True, "branches": [
            {"modules": [{"id": "left", "value": {"type": "rawscript", "language": "bash", "content": "sleep 60\n"}}]},
            {"modules": [{"id": "right", "value": {"type": "rawscript", "language": "bash", "content": "sleep 60\n"}}]}]}},
        {"id": "never", "value": py("return 1")}]})
    job_id = run_flow(client, auth, "u/alice/long")
    wait_step(client, auth, job_id, "left", "running")
    response = client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth)
    assert response.status_code == 200 and response.json["status"] == "canceled"
    left = wait_step(client, auth, job_id, "left", "canceled", timeout=20)
    assert left["duration_ms"] < 20000
    time.sleep(1)
    rows = steps(client, auth, job_id)
    assert "never" not in {r["step_id"] for r in rows}
    assert all(r["status"] not in ("queued", "running") for r in rows), rows


def test_a_suspended_flow_can_be_canceled(client, auth, worker):
    save_flow(client, auth, "u/alice/waits", {"modules": [
        {"id": "ask", "value": {"type": "identity"}, "suspend": {}}, {"id": "after", "value": {"type": "identity"}}]})
    job_id = run_flow(client, auth, "u/alice/waits")
    wait_for(client, auth, job_id, statuses={"suspended"})
    assert client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth).status_code == 200
    assert job(client, auth, job_id)["status"] == "canceled"
    approvals = client.get(f"/api/w/main/jobs/{job_id}/approvals", headers=auth).json
    assert [a["status"] for a in approvals] == ["canceled"]


def test_a_finished_flow_cannot_be_canceled(client, auth, worker):
    save_flow(client, auth, "u/alice/done", {"modules": [{"id": "a", "value": {"type": "identity"}}]})
    job_id = run_flow(client, auth, "u/alice/done")
    wait_for(client, auth, job_id)
    assert client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth).status_code == 409
