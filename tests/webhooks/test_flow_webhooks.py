"""Webhooks of flows: per-flow signing on the flow run URLs, and run tokens limited to one flow."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from app.models import Job, TokenScope, User
from app.services.signatures import HEADER, sign
from tests.browsers import csrf_token, log_in
from tests.flows.helpers import save_flow
from tests.webhooks.conftest import HOOK

FLOW = "u/alice/ingest"
SETTINGS_URL = f"/api/w/main/webhooks/f/{FLOW}"
RUN_URL = f"/api/w/main/jobs/run/f/{FLOW}"
WAIT_URL = f"/api/w/main/jobs/run_wait_result/f/{FLOW}"
DEFINITION = {"tag": "unserved",  # no worker runs these flows: the tests look at what was accepted
              "schema": {"type": "object", "properties": {"n": {"type": "integer"}, "body": {},
                                                          "headers": {"type": "object"}}},
              "modules": [{"id": "a", "value": {"type": "identity"}}]}


@pytest.fixture()
def flow(client, auth, factory) -> str:
    save_flow(client, auth, FLOW, DEFINITION)
    save_flow(client, auth, "u/alice/another", DEFINITION)
    factory.script(HOOK, "def main():\n    return 0\n", tag="unserved")
    return FLOW


@pytest.fixture()
def flow_token(factory, flow) -> dict[str, str]:
    """Headers of a webhook whose only target is the flow."""
    with factory.db.session() as session:
        alice = session.scalars(select(User).filter_by(username="alice")).one()
    secret = factory.token(alice, workspace_id="main", scope=TokenScope.RUN, run_target=f"flow/{FLOW}")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def flow_secret(client, auth, flow) -> str:
    response = client.post(f"{SETTINGS_URL}/secret", headers=auth)
    assert response.status_code == 201, response.json
    return response.json["secret"]


def signed_post(client, url: str, headers: dict, secret: str, body: dict, *, timestamp: int | None = None,
                signature: str | None = None):
    raw = json.dumps(body).encode()
    header = signature or sign(secret, timestamp or int(time.time()), raw)
    return client.post(url, data=raw, content_type="application/json", headers={**headers, HEADER: header})


def test_a_flow_has_webhook_settings_with_its_own_urls(client, auth, flow):
    body = client.get(SETTINGS_URL, headers=auth).json
    assert body["target"] == f"flow/{FLOW}" and body["signed"] is False
    assert body["async_url"].endswith(RUN_URL) and body["sync_url"].endswith(WAIT_URL)


def test_a_missing_flow_has_no_webhook(client, auth, flow):
    assert client.get("/api/w/main/webhooks/f/u/alice/nope", headers=auth).status_code == 404
    assert client.post("/api/w/main/webhooks/f/u/alice/nope/secret", headers=auth).status_code == 404


def test_a_signed_flow_webhook_accepts_a_good_signature_on_both_urls(client, auth, flow_token, flow_secret, app):
    runtime = app.extensions["taskmill"]
    original = runtime.settings
    runtime.settings = original.replace(run_wait_timeout_s=0.05)  # nothing runs it: answer 202 at once
    try:
        assert signed_post(client, RUN_URL, flow_token, flow_secret, {"n": 1}).status_code == 201
        assert signed_post(client, WAIT_URL, flow_token, flow_secret, {"n": 2}).status_code == 202
    finally:
        runtime.settings = original


@pytest.mark.parametrize("url", [RUN_URL, WAIT_URL])
def test_a_signed_flow_webhook_refuses_missing_bad_and_stale_signatures(client, flow_token, flow_secret, db, url):
    unsigned = client.post(url, json={"n": 1}, headers=flow_token)
    wrong = signed_post(client, url, flow_token, "whsec_wrong", {"n": 1})
    stale = signed_post(client, url, flow_token, flow_secret, {"n": 1}, timestamp=int(time.time()) - 3600)
    for response, code in ((unsigned, "bad_signature"), (wrong, "bad_signature"), (stale, "stale_signature")):
        assert response.status_code in (400, 401), response.json
        assert response.json["error"]["code"] == code
    with db.session() as session:
        assert session.scalars(select(Job)).all() == []


def test_a_replayed_flow_webhook_request_is_refused(client, flow_token, flow_secret):
    raw = json.dumps({"n": 1}).encode()
    header = sign(flow_secret, int(time.time()), raw)
    first = signed_post(client, RUN_URL, flow_token, flow_secret, {"n": 1}, signature=header)
    again = signed_post(client, RUN_URL, flow_token, flow_secret, {"n": 1}, signature=header)
    assert first.status_code == 201 and again.status_code in (400, 401, 409)
    assert again.json["error"]["code"] == "replayed"


def test_signing_a_flow_leaves_its_scripts_and_other_flows_unsigned(client, auth, flow_secret):
    assert client.get(f"/api/w/main/webhooks/p/{HOOK}", headers=auth).json["signed"] is False
    assert client.get("/api/w/main/webhooks/f/u/alice/another", headers=auth).json["signed"] is False
    assert client.get(SETTINGS_URL, headers=auth).json["signed"] is True
    assert client.delete(f"{SETTINGS_URL}/secret", headers=auth).json["signed"] is False


def test_a_flow_run_token_runs_only_its_flow(client, flow_token):
    assert client.post(RUN_URL, json={"n": 1}, headers=flow_token).status_code == 201
    assert client.post("/api/w/main/jobs/run/f/u/alice/another", json={}, headers=flow_token).status_code == 404
    assert client.post(f"/api/w/main/jobs/run/p/{HOOK}", json={}, headers=flow_token).status_code == 404
    assert client.get("/api/w/main/flows", headers=flow_token).status_code == 403


def test_a_flow_webhook_passes_a_non_object_body_and_chosen_headers(client, auth, flow_token, db):
    assert client.post(SETTINGS_URL, headers=auth, json={"pass_headers": ["X-Event"]}).status_code == 200
    response = client.post(RUN_URL, data="[1, 2]", content_type="application/json",
                           headers={**flow_token, "X-Event": "push"})
    assert response.status_code == 201, response.json
    with db.session() as session:
        job = session.get(Job, response.json["id"])
    assert job.args == {"body": [1, 2], "headers": {"x-event": "push"}}


def test_the_flow_page_shows_signed_curl_commands_for_the_flow_urls(client, auth, flow):
    assert log_in(client, "alice").status_code == 302
    page = f"/w/main/flows/get/{FLOW}"
    html = client.get(page).get_data(as_text=True)
    assert 'id="flow-webhooks"' in html and RUN_URL in html and WAIT_URL in html
    enabled = client.post(f"/w/main/flows/webhook_secret/{FLOW}", data={"csrf_token": csrf_token(client, page)})
    assert enabled.status_code == 201 and "whsec_" in enabled.get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    assert "X-Taskmill-Signature: t=$ts,v1=$sig" in html and "openssl dgst -sha256 -hmac" in html
    made = client.post(f"/w/main/flows/webhook_token/{FLOW}", data={"csrf_token": csrf_token(client, page)})
    assert made.status_code == 201 and f"/w/main/flows/get/{FLOW}" in made.get_data(as_text=True)
