"""Invitations API: admins make single-use links; anyone logged in accepts one once."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.models import Invitation, Role, TokenScope, utcnow
from tests.admin.conftest import error_code, fields_of

INVITATIONS = "/api/w/main/invitations"


@pytest.fixture()
def newcomer(factory, team) -> dict[str, str]:
    """Headers of a user with an account but no workspace."""
    return {"Authorization": f"Bearer {factory.token(factory.user('nina', ws_id=None))}"}


def invite(team, role: str = "operator", **extra) -> dict:
    response = team.post(INVITATIONS, "root", json={"role": role, **extra})
    assert response.status_code == 201, response.json
    return response.json


def accept(client, headers, token: str):
    return client.post(f"/api/invitations/{token}/accept", headers=headers)


def test_created_invitation_returns_its_link_once(team, db):
    created = invite(team)
    assert created["url"] == f"http://localhost/invite/{created['token']}"
    assert created["role"] == "operator" and created["created_by"] == "root"
    listed = team.get(INVITATIONS, "root").json
    assert [i["id"] for i in listed] == [created["id"]] and "token" not in listed[0]
    with db.session() as session:
        stored = session.get(Invitation, created["id"]).token_hash
    assert stored == hashlib.sha256(created["token"].encode()).hexdigest()


@pytest.mark.parametrize("days", [0, 31])
def test_expiry_is_between_one_and_thirty_days(team, days):
    response = team.post(INVITATIONS, "root", json={"role": "developer", "expires_in_days": days})
    assert response.status_code == 400 and fields_of(response) == {"expires_in_days"}


def test_expiry_defaults_to_seven_days(team, db):
    created = invite(team)
    with db.session() as session:
        expires_at = session.get(Invitation, created["id"]).expires_at
    assert timedelta(days=6, hours=23) < expires_at - utcnow() <= timedelta(days=7)


def test_only_admins_manage_invitations(team):
    assert team.post(INVITATIONS, "alice", json={"role": "admin"}).status_code == 403
    assert team.get(INVITATIONS, "alice").status_code == 403
    assert team.get(INVITATIONS, "eve").status_code == 404


def test_accepting_joins_the_workspace_with_the_invited_role(client, team, newcomer):
    created = invite(team, role="operator")
    response = accept(client, newcomer, created["token"])
    assert response.status_code == 200
    assert response.json == {"workspace": {"id": "main", "name": "Main"}, "role": "operator"}
    roles = {m["username"]: m["role"] for m in team.get("/api/w/main/members", "root").json}
    assert roles["nina"] == "operator"
    assert team.get(INVITATIONS, "root").json == []


def test_a_link_works_only_once(client, team, newcomer, factory):
    created = invite(team)
    assert accept(client, newcomer, created["token"]).status_code == 200
    other = {"Authorization": f"Bearer {factory.token(factory.user('omar', ws_id=None))}"}
    again = accept(client, other, created["token"])
    assert again.status_code == 404 and "already used" in again.json["error"]["message"]


def test_revoked_link_is_dead(client, team, newcomer):
    created = invite(team)
    assert team.delete(f"{INVITATIONS}/{created['id']}", "root").status_code == 204
    response = accept(client, newcomer, created["token"])
    assert response.status_code == 404 and "revoked" in response.json["error"]["message"]
    assert team.delete(f"{INVITATIONS}/{created['id']}", "root").status_code == 404


def test_expired_link_is_dead(client, team, newcomer, db):
    created = invite(team)
    with db.session() as session:
        session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    response = accept(client, newcomer, created["token"])
    assert response.status_code == 404 and "expired" in response.json["error"]["message"]
    assert team.get(INVITATIONS, "root").json == []


def test_unknown_link_is_404(client, team, newcomer):
    response = accept(client, newcomer, "not-a-real-secret")
    assert response.status_code == 404 and error_code(response) == "not_found"


def test_a_member_cannot_accept_again(client, team):
    created = invite(team, role="admin")
    response = team.post(f"/api/invitations/{created['token']}/accept", "alice")
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_a_restricted_token_cannot_accept(client, team, factory):
    user = factory.user("rita", ws_id=None)
    read_only = {"Authorization": f"Bearer {factory.token(user, scope=TokenScope.READ_ONLY)}"}
    assert accept(client, read_only, invite(team)["token"]).status_code == 403


def test_admin_cannot_revoke_another_workspaces_invitation(client, factory, team):
    created = invite(team)
    boss = factory.user("boss", ws_id="other", role=Role.ADMIN)
    headers = {"Authorization": f"Bearer {factory.token(boss)}"}
    assert client.delete(f"/api/w/other/invitations/{created['id']}", headers=headers).status_code == 404
