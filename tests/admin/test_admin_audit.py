"""Administration changes leave who/what in the audit log, never an invitation's secret."""
from app.models import AuditEvent
from tests.admin.conftest import PYTHON_HELLO


def recorded(db) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [(e.actor, e.action, e.target) for e in session.query(AuditEvent).order_by(AuditEvent.id)
                if not e.action.startswith(("token.", "script."))]


def test_admin_actions_are_recorded_with_their_actor(team, db):
    team.patch("/api/w/main/members/bob", "root", json={"role": "operator"})
    team.post("/api/w/main/groups", "root", json={"name": "sre"})
    team.post("/api/w/main/groups/sre/members", "root", json={"username": "alice"})
    team.post("/api/w/main/folders", "root", json={"name": "ops"})
    team.put("/api/w/main/folders/ops/acl", "root", json={"principal": {"group": "sre"}, "level": "write"})
    team.post("/api/w/main/scripts", "alice", json={"path": "u/alice/x", "language": "python",
                                                    "content": PYTHON_HELLO})
    team.put("/api/w/main/shares/script/p/u/alice/x", "alice",
             json={"principal": {"user": "olga"}, "level": "read"})
    team.delete("/api/w/main/members/bob", "root")
    assert recorded(db) == [
        ("root", "member.role", "bob"), ("root", "group.create", "sre"),
        ("root", "group.member_add", "sre"), ("root", "folder.create", "ops"),
        ("root", "folder.grant", "ops"), ("alice", "share.grant", "u/alice/x"),
        ("root", "member.remove", "bob")]


def test_invitations_are_recorded_without_their_secret(client, team, factory, db):
    created = team.post("/api/w/main/invitations", "root", json={"role": "developer"}).json
    nina = {"Authorization": f"Bearer {factory.token(factory.user('nina', ws_id=None))}"}
    client.post(f"/api/invitations/{created['token']}/accept", headers=nina)
    assert recorded(db) == [("root", "invitation.create", str(created["id"])),
                            ("nina", "invitation.accept", str(created["id"]))]
    with db.session() as session:
        assert all(created["token"] not in repr(e.details) + e.target for e in session.query(AuditEvent))
