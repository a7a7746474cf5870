"""Every mutating action leaves who/what/when/where in the audit log; admins can search it."""
from app.models import AuditEvent, Role


def events(db, action: str = "") -> list[AuditEvent]:
    with db.session() as session:
        query = session.query(AuditEvent).order_by(AuditEvent.id)
        return [e for e in query if e.action.startswith(action)]


def test_saving_running_and_canceling_are_recorded_with_their_actor(client, auth, db):
    client.post("/api/w/main/scripts", headers=auth, json={
        "path": "u/alice/a", "language": "python", "content": "def main():\n    return 1\n", "tag": "unserved"})
    job_id = client.post("/api/w/main/jobs/run/p/u/alice/a", json={}, headers=auth).json["id"]
    client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth)
    recorded = [(e.actor, e.action, e.target) for e in events(db) if e.workspace_id == "main"]
    assert recorded == [("alice", "script.save", "u/alice/a"), ("alice", "job.run", "u/alice/a"),
                        ("alice", "job.cancel", "u/alice/a")]
    run = events(db, "job.run")[0]
    assert run.details["job"] == job_id and run.details["trigger"] == "api"
    assert run.origin and run.created_at is not None


def test_token_creation_and_revocation_are_recorded_without_the_secret(client, auth, db):
    created = client.post("/api/tokens", json={"label": "ci"}, headers=auth).json
    client.delete(f"/api/tokens/{created['id']}", headers=auth)
    assert [e.action for e in events(db, "token.")][-2:] == ["token.create", "token.revoke"]
    assert all(created["token"] not in repr(e.details) + e.target for e in events(db))


def test_run_arguments_never_reach_the_audit_log(client, auth, db):
    client.post("/api/w/main/scripts", headers=auth, json={
        "path": "u/alice/b", "language": "python", "content": "def main(password: str):\n    return 1\n",
        "tag": "unserved"})
    client.post("/api/w/main/jobs/run/p/u/alice/b", json={"password": "hunter2-secret"}, headers=auth)
    assert all("hunter2-secret" not in repr(e.details) for e in events(db))


def test_only_workspace_admins_may_read_the_log(client, factory, auth):
    admin = factory.user("root", role=Role.ADMIN)
    admin_auth = {"Authorization": f"Bearer {factory.token(admin)}"}
    client.post("/api/w/main/scripts", headers=auth, json={
        "path": "u/alice/c", "language": "bash", "content": "echo\n"})
    page = client.get("/api/w/main/audit?action=script.&actor=alice", headers=admin_auth)
    assert page.status_code == 200 and page.json["total"] == 1
    assert page.json["items"][0]["target"] == "u/alice/c"
    assert client.get("/api/w/main/audit", headers=auth).status_code == 403
