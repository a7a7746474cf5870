"""Secrets a job fetches with the SDK at run time are masked in its logs, result and error."""
import pytest
from sqlalchemy import select

from app.models import TokenScope, User
from app.services.secret_reads import SecretReads
from tests.e2e.helpers import logs, run, wait_for
from tests.processes import NETWORKED_QUEUE
from worker.redaction import MASK

SECRET = "s3cr3t-fetched-at-run-time"
PLAIN = "not-a-secret-value"

FETCHER = '''import taskmill


def main():
    token = taskmill.get_variable("u/alice/api_key")
    plain = taskmill.get_variable("u/alice/plain")
    print("fetched", token, "and", plain, flush=True)
    conn = taskmill.get_resource("u/alice/conn")
    print("resource password", conn["password"], flush=True)
    return {"token": token, "plain": plain, "nested": [conn["password"]]}
'''

FAILING = '''import taskmill


def main():
    raise RuntimeError("leaking " + taskmill.get_variable("u/alice/api_key"))
'''


@pytest.fixture()
def secrets(client, auth):
    for body in ({"path": "u/alice/api_key", "value": SECRET, "is_secret": True},
                 {"path": "u/alice/plain", "value": PLAIN},
                 {"path": "u/alice/db_password", "value": SECRET + "-db", "is_secret": True}):
        assert client.post("/api/w/main/variables", json=body, headers=auth).status_code == 201
    assert client.post("/api/w/main/resource_types", headers=auth, json={
        "name": "conn", "schema": {"type": "object", "properties": {"password": {"type": "string"}}}}
    ).status_code == 201
    assert client.post("/api/w/main/resources", headers=auth, json={
        "path": "u/alice/conn", "resource_type": "conn", "value": {"password": "$var:u/alice/db_password"}}
    ).status_code == 201


@pytest.mark.e2e
def test_a_secret_fetched_with_the_sdk_is_masked_in_logs_and_result(client, auth, factory, secrets,
                                                                     networked_worker):
    factory.script("u/alice/fetcher", FETCHER, tag=NETWORKED_QUEUE)
    job_id = run(client, auth, "u/alice/fetcher")
    state = wait_for(client, auth, job_id, timeout=90)
    assert state["status"] == "success", state
    assert state["result"] == {"token": MASK, "plain": PLAIN, "nested": [MASK]}
    text = logs(client, auth, job_id)
    assert f"fetched {MASK} and {PLAIN}" in text and f"resource password {MASK}" in text
    assert SECRET not in text and SECRET not in str(state)


@pytest.mark.e2e
def test_a_secret_fetched_with_the_sdk_is_masked_in_the_error(client, auth, factory, secrets, networked_worker):
    factory.script("u/alice/failing", FAILING, tag=NETWORKED_QUEUE)
    state = wait_for(client, auth, run(client, auth, "u/alice/failing"), timeout=90)
    assert state["status"] == "failure"
    assert f"leaking {MASK}" in state["error"]["message"] and SECRET not in str(state["error"])


def test_only_a_job_tokens_secret_reads_are_noted(client, auth, factory, secrets, app):
    reads = SecretReads(app.extensions["taskmill"].events.client)
    with factory.db.session() as session:
        alice = session.scalars(select(User).filter_by(username="alice")).one()
    job_token = factory.token(alice, workspace_id="main", scope=TokenScope.JOB, job_id="job-1")
    as_job = {"Authorization": f"Bearer {job_token}"}
    assert client.get("/api/w/main/variables/p/u/alice/plain", headers=as_job).json["value"] == PLAIN
    assert client.get("/api/w/main/variables/p/u/alice/api_key", headers=auth).json["value"] == SECRET
    assert reads.paths("job-1") == set()
    assert client.get("/api/w/main/variables/p/u/alice/api_key", headers=as_job).json["value"] == SECRET
    assert client.get("/api/w/main/resources/p/u/alice/conn?resolve=true", headers=as_job).status_code == 200
    assert reads.paths("job-1") == {"u/alice/api_key", "u/alice/db_password"}
    assert SECRET.encode() not in b"".join(reads.client.smembers("taskmill:job-secret-reads:job-1"))
