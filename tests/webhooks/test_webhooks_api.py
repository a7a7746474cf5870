"""Webhook calls: run tokens stay on their target, signed targets need a valid signature,
any JSON body reaches the script, chosen headers and the query string can be passed."""
import json
import time

from sqlalchemy import select

from app.models import Job, Webhook
from app.services.signatures import sign
from tests.webhooks.conftest import HOOK, RUN_URL, SETTINGS_URL


def post(client, headers: dict, body: bytes, url: str = RUN_URL, **extra):
    return client.post(url, data=body, headers={**headers, "Content-Type": "application/json", **extra})


def signed(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    return {"X-Taskmill-Signature": sign(secret, timestamp or int(time.time()), body)}


def job_args(client, auth, response) -> dict:
    assert response.status_code == 201, response.json
    return client.get(f"/api/w/main/jobs/{response.json['id']}", headers=auth).json["args"]


def test_a_run_token_cannot_run_another_target(client, run_token):
    assert post(client, run_token, b"{}", url="/api/w/main/jobs/run/p/u/alice/other").status_code == 404
    sync_other = "/api/w/main/jobs/run_wait_result/p/u/alice/other"
    assert post(client, run_token, b"{}", url=sync_other).status_code == 404
    assert client.get(SETTINGS_URL, headers=run_token).status_code == 403


def test_unsigned_webhooks_run_without_a_signature(client, auth, run_token):
    assert job_args(client, auth, post(client, run_token, b'{"n": 3}')) == {"n": 3}


def test_a_signed_request_passes(client, auth, run_token, signing_secret):
    body = json.dumps({"n": 4}).encode()
    response = post(client, run_token, body, **signed(signing_secret, body))
    assert job_args(client, auth, response) == {"n": 4}


def test_missing_or_bad_signatures_are_refused(client, run_token, signing_secret):
    body = b'{"n": 4}'
    for headers in ({}, signed("whsec_wrong", body), signed(signing_secret, b'{"n": 5}')):
        response = post(client, run_token, body, **headers)
        assert response.status_code == 401 and response.json["error"]["code"] == "bad_signature"


def test_a_stale_timestamp_is_refused(client, run_token, signing_secret):
    body = b"{}"
    response = post(client, run_token, body, **signed(signing_secret, body, int(time.time()) - 301))
    assert response.status_code == 401 and response.json["error"]["code"] == "stale_signature"


def test_a_replayed_signature_is_refused(client, run_token, signing_secret):
    body = b'{"n": 1}'
    headers = signed(signing_secret, body)
    assert post(client, run_token, body, **headers).status_code == 201
    replay = post(client, run_token, body, **headers)
    assert replay.status_code == 409 and replay.json["error"]["code"] == "replayed"


def test_the_signature_is_checked_on_the_sync_url_too(client, run_token, signing_secret):
    url = f"/api/w/main/jobs/run_wait_result/p/{HOOK}"
    assert post(client, run_token, b"{}", url=url).json["error"]["code"] == "bad_signature"


def test_full_tokens_run_a_signed_target_without_a_signature(client, auth, signing_secret):
    assert post(client, auth, b"{}").status_code == 201


def test_a_non_object_body_arrives_as_body(client, auth, run_token):
    assert job_args(client, auth, post(client, run_token, b"[1, 2, 3]")) == {"body": [1, 2, 3]}
    assert job_args(client, auth, post(client, run_token, b'"hello"')) == {"body": "hello"}


def test_the_normal_api_still_wants_an_object(client, auth, hook):
    response = post(client, auth, b"[1, 2, 3]")
    assert response.status_code == 400


def test_chosen_headers_and_the_query_string_become_args(client, auth, run_token):
    configured = client.post(SETTINGS_URL, headers=auth, json={"pass_headers": ["X-GitHub-Event"],
                                                               "pass_query": True})
    assert configured.status_code == 200 and configured.json["pass_headers"] == ["x-github-event"]
    response = post(client, run_token, b"{}", url=f"{RUN_URL}?ref=main", **{"X-GitHub-Event": "push"})
    assert job_args(client, auth, response) == {"headers": {"x-github-event": "push"},
                                                "query": {"ref": "main"}}


def test_credentials_are_never_passed_as_args(client, auth, hook):
    response = client.post(SETTINGS_URL, headers=auth, json={"pass_headers": ["Authorization"]})
    assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == "pass_headers"


def test_the_secret_is_shown_once_and_stored_encrypted(client, auth, db, signing_secret):
    settings = client.get(SETTINGS_URL, headers=auth).json
    assert settings["signed"] is True and "secret" not in settings
    assert settings["async_url"].endswith(RUN_URL)
    with db.session() as session:
        stored = session.scalars(select(Webhook)).one().secret_encrypted
    assert signing_secret not in stored
    rotated = client.post(f"{SETTINGS_URL}/secret", headers=auth).json["secret"]
    assert rotated != signing_secret


def test_turning_signing_off_lets_unsigned_calls_in_again(client, auth, run_token, signing_secret):
    assert client.delete(f"{SETTINGS_URL}/secret", headers=auth).json["signed"] is False
    assert post(client, run_token, b"{}").status_code == 201


def test_only_writers_of_the_script_change_its_webhook(client, factory, hook):
    bob = {"Authorization": f"Bearer {factory.token(factory.user('bob'))}"}
    assert client.post(f"{SETTINGS_URL}/secret", headers=bob).status_code == 404


def test_webhook_jobs_record_their_token(client, auth, db, run_token):
    post(client, run_token, b"{}")
    with db.session() as session:
        job = session.scalars(select(Job)).one()
    assert job.trigger_kind == "webhook" and job.token_id is not None
