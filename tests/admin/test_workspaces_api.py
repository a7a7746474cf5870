"""Workspaces API: superadmins create workspaces and become their admin; everyone lists theirs."""
from app.models import Role
from tests.admin.conftest import error_code


def bearer(factory, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {factory.token(user)}"}


def test_list_shows_the_callers_workspaces(client, team):
    assert [w["id"] for w in team.get("/api/workspaces", "eve").json] == ["other"]
    assert [w["id"] for w in team.get("/api/workspaces", "alice").json] == ["main"]


def test_superadmin_creates_a_workspace_and_becomes_its_admin(client, factory):
    factory.workspace("main")
    boss = bearer(factory, factory.user("boss", superadmin=True, role=Role.ADMIN))
    response = client.post("/api/workspaces", headers=boss, json={"id": "data-team", "name": "Data team"})
    assert response.status_code == 201 and response.json == {"id": "data-team", "name": "Data team"}
    members = client.get("/api/w/data-team/members", headers=boss).json
    assert members == [{"username": "boss", "email": "boss@example.com", "role": "admin"}]


def test_others_may_not_create_workspaces(team):
    response = team.post("/api/workspaces", "root", json={"id": "mine"})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_workspace_id_must_be_url_safe_and_free(client, factory):
    factory.workspace("main")
    boss = bearer(factory, factory.user("boss", superadmin=True))
    bad = client.post("/api/workspaces", headers=boss, json={"id": "No Spaces"})
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "id"
    taken = client.post("/api/workspaces", headers=boss, json={"id": "main"})
    assert taken.status_code == 409
