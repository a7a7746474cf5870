"""Members API: everyone lists, admins change roles and remove, the last admin stays."""
from sqlalchemy import select

from app.models import ApiToken, Grant, GroupMember, Role, TokenScope, User
from app.services import accounts
from tests.admin.conftest import error_code

MEMBERS = "/api/w/main/members"


def test_every_member_lists_members_with_their_roles(team):
    for who in ("root", "alice", "olga"):
        response = team.get(MEMBERS, who)
        assert response.status_code == 200
        assert {m["username"]: m["role"] for m in response.json} == {
            "alice": "developer", "bob": "developer", "olga": "operator", "root": "admin"}
    assert response.json[0] == {"username": "alice", "email": "alice@example.com", "role": "developer"}


def test_outsider_gets_404(team):
    assert team.get(MEMBERS, "eve").status_code == 404
    assert team.patch(f"{MEMBERS}/bob", "eve", json={"role": "admin"}).status_code == 404


def test_admin_changes_a_role(team):
    response = team.patch(f"{MEMBERS}/bob", "root", json={"role": "operator"})
    assert response.status_code == 200 and response.json["role"] == "operator"
    assert team.post("/api/w/main/scripts", "bob", json={
        "path": "u/bob/x", "language": "bash", "content": "echo\n"}).status_code == 403


def test_non_admin_cannot_change_roles(team):
    response = team.patch(f"{MEMBERS}/alice", "alice", json={"role": "admin"})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_unknown_role_is_a_validation_error(team):
    response = team.patch(f"{MEMBERS}/bob", "root", json={"role": "owner"})
    assert response.status_code == 400 and error_code(response) == "validation_error"


def test_unknown_member_is_404(team):
    assert team.patch(f"{MEMBERS}/eve", "root", json={"role": "operator"}).status_code == 404


def test_last_admin_cannot_be_demoted_or_removed(team):
    demote = team.patch(f"{MEMBERS}/root", "root", json={"role": "developer"})
    assert demote.status_code == 409 and error_code(demote) == "invalid_state"
    remove = team.delete(f"{MEMBERS}/root", "root")
    assert remove.status_code == 409 and error_code(remove) == "invalid_state"


def test_an_admin_can_step_down_once_there_is_another(team):
    assert team.patch(f"{MEMBERS}/alice", "root", json={"role": "admin"}).status_code == 200
    assert team.patch(f"{MEMBERS}/root", "root", json={"role": "developer"}).status_code == 200
    assert team.patch(f"{MEMBERS}/alice", "alice", json={"role": "developer"}).status_code == 409


def test_removed_member_loses_the_workspace_their_groups_and_grants(team, db):
    assert team.post("/api/w/main/groups", "root", json={"name": "ops"}).status_code == 201
    assert team.post("/api/w/main/groups/ops/members", "root", json={"username": "bob"}).status_code == 201
    team.post("/api/w/main/folders", "root", json={"name": "ops"})
    team.put("/api/w/main/folders/ops/acl", "root", json={"principal": {"user": "bob"}, "level": "write"})
    assert team.delete(f"{MEMBERS}/bob", "root").status_code == 204
    assert "bob" not in [m["username"] for m in team.get(MEMBERS, "root").json]
    assert team.get("/api/w/main/scripts", "bob").status_code == 404
    assert team.get("/api/w/main/groups/ops", "root").json["members"] == []
    with db.session() as session:
        assert session.query(Grant).count() == 0 and session.query(GroupMember).count() == 0


def test_non_admin_cannot_remove_members(team):
    assert team.delete(f"{MEMBERS}/bob", "alice").status_code == 403


def test_removed_member_loses_their_tokens_limited_to_the_workspace(team, factory, db, client):
    with db.session() as session:
        bob = session.scalars(select(User).filter_by(username="bob")).one()
        accounts.add_member(session, "other", bob, Role.DEVELOPER)
    scoped = factory.token(bob, workspace_id="main")
    hook = factory.token(bob, workspace_id="main", scope=TokenScope.RUN, run_target="script/u/bob/x")
    elsewhere = factory.token(bob, workspace_id="other")
    assert client.get("/api/w/main/scripts", headers={"Authorization": f"Bearer {scoped}"}).status_code == 200
    assert team.delete(f"{MEMBERS}/bob", "root").status_code == 204
    with db.session() as session:
        accounts.add_member(session, "main", session.get(User, bob.id), Role.DEVELOPER)  # back again
    for secret in (scoped, hook):
        assert client.get("/api/whoami", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get("/api/w/other/scripts", headers={"Authorization": f"Bearer {elsewhere}"}).status_code == 200
    assert team.get("/api/w/main/scripts", "bob").status_code == 200  # an unscoped token stays
    with db.session() as session:
        revoked = session.scalars(select(ApiToken).where(ApiToken.user_id == bob.id,
                                                         ApiToken.revoked_at.is_not(None))).all()
    assert len(revoked) == 2
