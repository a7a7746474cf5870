"""Jobs API without a worker: argument validation, queueing, listing, logs, cancel."""
import pytest

from app.models import Job

SCRIPT = ('from typing import Literal, Optional\n\n'
          'def main(name: str, count: int = 1, mode: Literal["a", "b"] = "a", tags: Optional[list[str]] = None):\n'
          '    return {"name": name}\n')


@pytest.fixture()
def script(client, auth):
    # A queue no worker serves: these jobs stay queued even when a session worker is running.
    response = client.post("/api/w/main/scripts", headers=auth,
                           json={"path": "u/alice/greet", "language": "python", "content": SCRIPT,
                                 "tag": "unserved"})
    assert response.status_code == 201, response.json
    return response.json


def queued_count(db) -> int:
    with db.session() as session:
        return session.query(Job).count()


def test_run_returns_201_with_a_queued_job(client, auth, script, db):
    response = client.post("/api/w/main/jobs/run/p/u/alice/greet", json={"name": "x"}, headers=auth)
    assert response.status_code == 201
    job = client.get(f"/api/w/main/jobs/{response.json['id']}", headers=auth).json
    assert job["status"] == "queued" and job["script_hash"] == script["hash"]
    assert job["created_by"] == "alice" and job["trigger_kind"] == "api"


def test_run_by_hash_pins_the_version(client, auth, script):
    response = client.post(f"/api/w/main/jobs/run/h/{script['hash']}", json={"name": "x"}, headers=auth)
    assert response.status_code == 201


def test_invalid_args_list_every_failing_field_and_enqueue_nothing(client, auth, script, db):
    response = client.post("/api/w/main/jobs/run/p/u/alice/greet", headers=auth,
                           json={"count": "three", "mode": "c", "tags": [1], "extra": True})
    assert response.status_code == 400
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert fields == {"name", "count", "mode", "tags/0", "extra"}
    assert queued_count(db) == 0


def test_non_object_args_are_rejected(client, auth, script, db):
    response = client.post("/api/w/main/jobs/run/p/u/alice/greet", json=[1, 2], headers=auth)
    assert response.status_code == 400
    assert queued_count(db) == 0


def test_running_an_unknown_script_is_404(client, auth):
    assert client.post("/api/w/main/jobs/run/p/u/alice/none", json={}, headers=auth).status_code == 404


def test_unknown_job_is_404(client, auth):
    assert client.get("/api/w/main/jobs/00000000-0000-0000-0000-000000000000", headers=auth).status_code == 404


def test_jobs_list_filters_by_path_and_status_and_paginates(client, auth, script):
    for i in range(3):
        client.post("/api/w/main/jobs/run/p/u/alice/greet", json={"name": str(i)}, headers=auth)
    page = client.get("/api/w/main/jobs?per_page=2&path=u/alice/&status=queued", headers=auth).json
    assert page["total"] == 3 and len(page["items"]) == 2
    assert client.get("/api/w/main/jobs?status=success", headers=auth).json["total"] == 0
    assert client.get("/api/w/main/jobs?status=bogus", headers=auth).status_code == 400


def test_cancel_of_a_queued_job_is_immediate(client, auth, script):
    job_id = client.post("/api/w/main/jobs/run/p/u/alice/greet", json={"name": "x"}, headers=auth).json["id"]
    response = client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth)
    assert response.status_code == 200 and response.json["status"] == "canceled"
    again = client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth)
    assert again.status_code == 409


def test_logs_endpoint_pages_by_offset(client, auth, script, db):
    job_id = client.post("/api/w/main/jobs/run/p/u/alice/greet", json={"name": "x"}, headers=auth).json["id"]
    with db.session() as session:
        session.get(Job, job_id).logs = "hello\nworld\n"
    first = client.get(f"/api/w/main/jobs/{job_id}/logs", headers=auth).json
    assert first["logs"] == "hello\nworld\n" and first["next_offset"] == 12
    rest = client.get(f"/api/w/main/jobs/{job_id}/logs?offset=6", headers=auth).json
    assert rest["logs"] == "world\n"
