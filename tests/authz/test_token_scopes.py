"""Tokens narrow what their user may do: read-only tokens read, run tokens run one target."""
import pytest

from app.models import TokenScope


@pytest.fixture()
def alice(factory):
    factory.workspace("main")
    user = factory.user("alice")
    factory.script("u/alice/hook", "def main(x: int = 1):\n    return x\n", tag="unserved")
    factory.script("u/alice/other", "def main():\n    return 0\n", tag="unserved")
    return user


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_read_only_token_reads_but_cannot_write_or_run(client, factory, alice):
    headers = bearer(factory.token(alice, scope=TokenScope.READ_ONLY))
    assert client.get("/api/w/main/scripts/p/u/alice/hook", headers=headers).status_code == 200
    assert client.post("/api/w/main/jobs/run/p/u/alice/hook", json={}, headers=headers).status_code == 403
    update = client.post("/api/w/main/scripts/p/u/alice/hook", headers=headers,
                         json={"language": "python", "content": "def main():\n    return 2\n"})
    assert update.status_code == 403
    assert client.post("/api/tokens", json={"label": "wider"}, headers=headers).status_code == 403


def test_run_token_runs_its_target_and_reads_only_the_jobs_it_started(client, factory, alice):
    headers = bearer(factory.token(alice, workspace_id="main", scope=TokenScope.RUN,
                                   run_target="script/u/alice/hook"))
    started = client.post("/api/w/main/jobs/run/p/u/alice/hook", json={"x": 3}, headers=headers)
    assert started.status_code == 201
    job = client.get(f"/api/w/main/jobs/{started.json['id']}", headers=headers).json
    assert job["trigger_kind"] == "webhook"
    assert client.post("/api/w/main/jobs/run/p/u/alice/other", json={}, headers=headers).status_code == 404
    assert client.get("/api/w/main/scripts/p/u/alice/hook", headers=headers).status_code == 403
    assert client.get("/api/w/main/scripts", headers=headers).status_code == 403
    own_session_job = client.post("/api/w/main/jobs/run/p/u/alice/hook", json={},
                                  headers=bearer(factory.token(alice))).json["id"]
    assert client.get(f"/api/w/main/jobs/{own_session_job}", headers=headers).status_code == 404
    listed = client.get("/api/w/main/jobs", headers=headers)
    assert listed.status_code == 403


def test_run_token_needs_a_target_the_user_may_run(client, factory, alice):
    headers = bearer(factory.token(alice))
    refused = client.post("/api/tokens", headers=headers, json={
        "label": "hook", "scope": "run", "workspace_id": "main", "run_target": "script/u/bob/x"})
    assert refused.status_code == 404
    malformed = client.post("/api/tokens", headers=headers, json={
        "label": "hook", "scope": "run", "workspace_id": "main", "run_target": "u/alice/hook"})
    assert malformed.status_code == 400


def test_a_job_token_is_not_listed_among_the_users_tokens(client, factory, alice):
    factory.token(alice, workspace_id="main", scope=TokenScope.JOB, job_id="x")
    headers = bearer(factory.token(alice))
    assert [t["scope"] for t in client.get("/api/tokens", headers=headers).json] == ["all"]
