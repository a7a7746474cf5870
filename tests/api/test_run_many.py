"""POST /jobs/run_many/p/<path>: one job per argument set, validated together, all or none."""
from app.models import AuditEvent, Job, TokenScope

SCRIPT = "def main(n: int):\n    return n\n"


def _script(client, auth) -> None:
    response = client.post("/api/w/main/scripts", headers=auth, json={
        "path": "u/alice/count", "language": "python", "content": SCRIPT, "tag": "unserved"})
    assert response.status_code == 201, response.json


def test_jobs_are_created_in_order_with_one_audit_event(client, auth, db):
    _script(client, auth)
    response = client.post("/api/w/main/jobs/run_many/p/u/alice/count", headers=auth,
                           json={"runs": [{"n": i} for i in range(3)]})
    assert response.status_code == 201, response.json
    ids = response.json["ids"]
    with db.session() as session:
        assert [session.get(Job, job_id).args for job_id in ids] == [{"n": 0}, {"n": 1}, {"n": 2}]
        assert all(session.get(Job, job_id).status.value == "queued" for job_id in ids)
        event = session.query(AuditEvent).filter_by(action="job.run_many").one()
        assert event.details["jobs"] == ids and event.details["count"] == 3


def test_one_invalid_set_starts_nothing_and_is_named_by_index(client, auth, db):
    _script(client, auth)
    response = client.post("/api/w/main/jobs/run_many/p/u/alice/count", headers=auth,
                           json={"runs": [{"n": 1}, {"n": "two"}, {}]})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert {d["field"] for d in error["details"]} == {"runs/1/n", "runs/2/n"}
    with db.session() as session:
        assert session.query(Job).count() == 0


def test_bad_bodies_are_refused(client, auth):
    _script(client, auth)
    url = "/api/w/main/jobs/run_many/p/u/alice/count"
    assert client.post(url, headers=auth, json={"runs": []}).status_code in (400, 422)
    assert client.post(url, headers=auth, json={"runs": [{"n": 1}] * 1001}).status_code in (400, 422)
    assert client.post(url, headers=auth, json={"runs": [1, 2]}).status_code in (400, 422)
    assert client.post(url, headers=auth, json={}).status_code in (400, 422)


def test_a_webhook_token_cannot_use_it(client, auth, factory):
    _script(client, auth)
    alice = factory.user("bob")
    token = factory.token(alice, workspace_id="main", scope=TokenScope.RUN, run_target="script/u/alice/count")
    response = client.post("/api/w/main/jobs/run_many/p/u/alice/count", json={"runs": [{"n": 1}]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
