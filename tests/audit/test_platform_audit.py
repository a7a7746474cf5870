"""Secrets: revealing one is audited, and a job cannot smuggle one out through its result."""
from app.models import AuditEvent, Job, JobStatus
from app.services.jobs import Trigger, create_job
from tests.platform.test_job_resolution import executor, variable  # noqa: F401  (fixture)


def test_revealing_a_secret_is_audited_and_listing_is_not(client, factory, auth, db):
    client.post("/api/w/main/variables", headers=auth, json={
        "path": "u/alice/api_key", "value": "s3cr3t-value", "is_secret": True})
    client.get("/api/w/main/variables", headers=auth)
    shown = client.get("/api/w/main/variables/p/u/alice/api_key", headers=auth).json
    assert shown["value"] == "s3cr3t-value"
    with db.session() as session:
        actions = [e.action for e in session.query(AuditEvent).filter_by(workspace_id="main").order_by(AuditEvent.id)]
        assert actions == ["variable.create", "variable.read_secret"]
        assert all("s3cr3t-value" not in repr(e.details) for e in session.query(AuditEvent))


def test_a_resolved_secret_is_masked_in_the_jobs_result(executor, factory, db):  # noqa: F811
    variable(factory, "alice", "u/alice/pw", "hunter2-long-secret")
    script = factory.script("u/alice/leak", "def main(token: str):\n    return {'echo': token, token: 1}\n")
    with db.session() as session:
        alice = factory.actor(session)
        job_id = create_job(session, script, {"token": "$var:u/alice/pw"}, Trigger("api", alice)).id
    executor.execute(job_id)
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job.status == JobStatus.SUCCESS
        assert job.result == {"echo": "*****", "*****": 1}
