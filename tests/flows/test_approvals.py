"""Approvals: a suspended flow holds no worker; signed links resume it (with a payload the
next steps see as `resume`) or cancel it; a deadline sweeper cancels expired ones."""
import time
from urllib.parse import urlparse

import pytest

from tests.flows.helpers import expr, job, py, run_flow, save_flow, step, steps, wait_for
from worker.celery_app import make_celery
from worker.context import WorkerContext

pytestmark = pytest.mark.e2e

FORM = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}


def approval_flow(client, auth, path: str = "u/alice/approve", **suspend) -> None:
    save_flow(client, auth, path, {"modules": [
        {"id": "ask", "value": py("print('approve at', links['approval_page'])\nreturn links", "links: dict"),
         "input_transforms": {"links": expr("approval")},
         "suspend": {"timeout": 60, "schema": FORM, **suspend}},
        {"id": "after", "value": py("return {'resumed_with': r}", "r"), "input_transforms": {"r": expr("resume")}}]})


def suspended(client, auth, path: str = "u/alice/approve") -> tuple[str, dict]:
    """Run the flow until it waits; return its id and the links its step was given."""
    job_id = run_flow(client, auth, path)
    wait_for(client, auth, job_id, statuses={"suspended"}, timeout=60)
    return job_id, step(steps(client, auth, job_id), "ask")["result"]


def local(url: str) -> str:
    return urlparse(url).path


def test_resume_link_continues_the_flow_with_the_payload(client, auth, worker):
    approval_flow(client, auth)
    job_id, links = suspended(client, auth)
    assert client.get(local(links["resume_url"])).json["status"] == "waiting"  # a GET never acts
    response = client.post(local(links["resume_url"]) + "?approver=carol", json={"ok": True})
    assert response.status_code == 200 and response.json["status"] == "resumed"
    assert response.json["resolved_by"] == "carol"
    state = wait_for(client, auth, job_id)
    assert state["status"] == "success" and state["result"] == {"resumed_with": {"ok": True}}


def test_the_resume_payload_must_fit_the_form(client, auth, worker):
    approval_flow(client, auth)
    _job_id, links = suspended(client, auth)
    response = client.post(local(links["resume_url"]), json={"ok": "yes"})
    assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == "ok"


def test_cancel_link_cancels_the_flow(client, auth, worker):
    approval_flow(client, auth)
    job_id, links = suspended(client, auth)
    assert client.post(local(links["cancel_url"])).status_code == 200
    state = wait_for(client, auth, job_id)
    assert state["status"] == "canceled" and state["error"]["kind"] == "approval_canceled"
    assert "after" not in {r["step_id"] for r in steps(client, auth, job_id)}


def test_a_tampered_link_is_not_found(client, auth, worker):
    approval_flow(client, auth)
    _job_id, links = suspended(client, auth)
    url = local(links["resume_url"])
    assert client.post(url[:-4] + "0000", json={"ok": True}).status_code == 404
    assert client.post(local(links["cancel_url"]).replace("/cancel/", "/resume/"), json={"ok": True}).status_code == 404


def test_an_expired_approval_is_canceled_by_the_sweeper(client, auth, worker, settings):
    approval_flow(client, auth, timeout=1)
    job_id, _links = suspended(client, auth)
    time.sleep(1.2)
    swept = WorkerContext(settings, make_celery(settings)).sweeper().sweep()
    assert len(swept["expired_approvals"]) == 1
    state = job(client, auth, job_id)
    assert state["status"] == "canceled" and state["error"]["kind"] == "approval_timeout"


def test_two_approvals_are_needed_when_required_events_is_two(client, auth, worker):
    approval_flow(client, auth, required_events=2)
    job_id, links = suspended(client, auth)
    assert client.post(local(links["resume_url"]), json={"ok": True}).json["status"] == "waiting"
    assert job(client, auth, job_id)["status"] == "suspended"
    assert client.post(local(links["resume_url"]), json={"ok": False}).json["status"] == "resumed"
    assert wait_for(client, auth, job_id)["result"] == {"resumed_with": {"ok": False}}


def test_an_approval_may_require_a_logged_in_approver(client, auth, worker):
    approval_flow(client, auth, user_auth_required=True)
    job_id, links = suspended(client, auth)
    assert client.post(local(links["resume_url"]), json={"ok": True}).status_code == 401
    response = client.post(local(links["resume_url"]), json={"ok": True}, headers=auth)
    assert response.status_code == 200 and response.json["resolved_by"] == "alice"
    assert wait_for(client, auth, job_id)["status"] == "success"


def test_suspended_iterations_of_a_parallel_loop_resume_independently(client, auth, worker):
    save_flow(client, auth, "u/alice/many", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("[1, 2, 3]"), "parallel": True,
                                 "modules": [{"id": "ask", "value": {"type": "identity"}, "suspend": {}},
                                             {"id": "got", "value": {"type": "identity"}}]}}]})
    job_id = run_flow(client, auth, "u/alice/many")
    deadline = time.monotonic() + 60
    while len(client.get(f"/api/w/main/jobs/{job_id}/approvals", headers=auth).json) < 3:
        assert time.monotonic() < deadline, steps(client, auth, job_id)
        time.sleep(0.3)
    assert job(client, auth, job_id)["status"] == "suspended"
    for approval in client.get(f"/api/w/main/jobs/{job_id}/approvals", headers=auth).json:
        assert client.post(local(approval["resume_url"]), json={}).status_code == 200
    state = wait_for(client, auth, job_id)
    assert state["status"] == "success" and state["result"] == [1, 2, 3]
