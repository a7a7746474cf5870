"""Folders API: admins create and delete folders; folder admins edit the ACL; the ACL is real."""
import pytest

from tests.admin.conftest import PYTHON_HELLO, error_code, fields_of

FOLDERS = "/api/w/main/folders"


def make_folder(team, name: str = "ops") -> None:
    assert team.post(FOLDERS, "root", json={"name": name, "summary": "operations"}).status_code == 201


def grant(team, who: str, level: str, folder: str = "ops", by: str = "root", kind: str = "user"):
    return team.put(f"{FOLDERS}/{folder}/acl", by, json={"principal": {kind: who}, "level": level})


def create_script(team, who: str, path: str = "f/ops/x"):
    return team.post("/api/w/main/scripts", who, json={"path": path, "language": "python",
                                                       "content": PYTHON_HELLO})


def test_admin_creates_a_folder_with_an_empty_acl(team):
    make_folder(team)
    folder = team.get(f"{FOLDERS}/ops", "root").json
    assert folder["name"] == "ops" and folder["created_by"] == "root" and folder["acl"] == []


def test_non_admin_cannot_create_folders(team):
    assert team.post(FOLDERS, "alice", json={"name": "mine"}).status_code == 403


def test_duplicate_folder_is_a_conflict(team):
    make_folder(team)
    response = team.post(FOLDERS, "root", json={"name": "ops"})
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_folders_are_listed_to_those_with_a_level_on_them(team):
    make_folder(team, "ops")
    make_folder(team, "finance")
    grant(team, "bob", "read")
    assert [f["name"] for f in team.get(FOLDERS, "root").json] == ["finance", "ops"]
    assert [f["name"] for f in team.get(FOLDERS, "bob").json] == ["ops"]
    assert team.get(FOLDERS, "alice").json == []


def test_a_folder_without_access_is_404(team):
    make_folder(team)
    assert team.get(f"{FOLDERS}/ops", "alice").status_code == 404
    assert team.get(f"{FOLDERS}/ops", "eve").status_code == 404
    assert grant(team, "alice", "admin", by="alice").status_code == 404


def test_acl_put_upserts_and_lists_groups_then_users(team):
    make_folder(team)
    team.post("/api/w/main/groups", "root", json={"name": "sre"})
    grant(team, "bob", "read")
    grant(team, "sre", "write", kind="group")
    response = grant(team, "bob", "write")
    assert response.status_code == 200
    assert [(e["principal"], e["level"]) for e in response.json] == [
        ({"group": "sre"}, "write"), ({"user": "bob"}, "write")]


def test_acl_delete_takes_the_principal_from_the_query(team):
    make_folder(team)
    grant(team, "bob", "read")
    assert team.delete(f"{FOLDERS}/ops/acl?user=bob", "root").status_code == 204
    assert team.get(f"{FOLDERS}/ops", "root").json["acl"] == []
    assert team.delete(f"{FOLDERS}/ops/acl?user=bob", "root").status_code == 404


def test_readers_see_the_acl_but_cannot_change_it(team):
    make_folder(team)
    grant(team, "bob", "write")
    assert team.get(f"{FOLDERS}/ops", "bob").json["acl"][0]["principal"] == {"user": "bob"}
    response = grant(team, "alice", "read", by="bob")
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_folder_admins_manage_their_folders_acl(team):
    make_folder(team)
    grant(team, "bob", "admin")
    assert grant(team, "alice", "read", by="bob").status_code == 200
    assert team.delete(f"{FOLDERS}/ops/acl?user=alice", "bob").status_code == 204
    assert team.delete(f"{FOLDERS}/ops", "bob").status_code == 403


def test_principal_outside_the_workspace_is_rejected(team):
    make_folder(team)
    for principal in ({"user": "eve"}, {"group": "nope"}, {}, {"user": "bob", "group": "ops"}):
        response = team.put(f"{FOLDERS}/ops/acl", "root", json={"principal": principal, "level": "read"})
        assert response.status_code == 400, principal
        assert fields_of(response) == {"principal"}


def test_unknown_level_is_rejected(team):
    make_folder(team)
    response = grant(team, "bob", "owner")
    assert response.status_code == 400 and fields_of(response) == {"level"}


def test_write_on_a_folder_lets_a_developer_create_items_in_it(team):
    make_folder(team)
    grant(team, "alice", "write")
    grant(team, "bob", "read")
    assert create_script(team, "alice").status_code == 201
    assert create_script(team, "bob", "f/ops/y").status_code == 403
    assert team.get("/api/w/main/scripts/p/f/ops/x", "bob").status_code == 200


def test_a_group_grant_reaches_its_members(team):
    make_folder(team)
    team.post("/api/w/main/groups", "root", json={"name": "sre"})
    team.post("/api/w/main/groups/sre/members", "root", json={"username": "bob"})
    grant(team, "sre", "write", kind="group")
    assert create_script(team, "bob").status_code == 201


def test_folder_with_live_items_cannot_be_deleted(team):
    make_folder(team)
    assert create_script(team, "root").status_code == 201
    response = team.delete(f"{FOLDERS}/ops", "root")
    assert response.status_code == 409 and error_code(response) == "invalid_state"
    assert response.json["error"]["details"]["items"] == {"scripts": ["f/ops/x"]}
    assert team.post("/api/w/main/scripts/archive/p/f/ops/x", "root").status_code == 200
    assert team.delete(f"{FOLDERS}/ops", "root").status_code == 204
    assert team.get(f"{FOLDERS}/ops", "root").status_code == 404


W = "/api/w/main"
OTHER_ITEMS = {  # kind: (create url, body, how to remove it: method and url)
    "flows": (f"{W}/flows", {"path": "f/ops/etl", "modules": [{"id": "a", "value": {"type": "identity"}}]},
              ("POST", f"{W}/flows/archive/p/f/ops/etl")),
    "variables": (f"{W}/variables", {"path": "f/ops/token", "value": "x", "is_secret": True},
                  ("DELETE", f"{W}/variables/p/f/ops/token")),
    "resources": (f"{W}/resources", {"path": "f/ops/db", "resource_type": "conn", "value": {}},
                  ("DELETE", f"{W}/resources/p/f/ops/db")),
    "schedules": (f"{W}/schedules", {"path": "f/ops/nightly", "cron": "0 2 * * *", "script_path": "u/root/job"},
                  ("DELETE", f"{W}/schedules/p/f/ops/nightly")),
}


@pytest.mark.parametrize("kind", sorted(OTHER_ITEMS))
def test_folder_holding_any_kind_of_item_cannot_be_deleted(team, kind):
    url, body, (method, removal) = OTHER_ITEMS[kind]
    make_folder(team)
    team.post(f"{W}/resource_types", "root", json={"name": "conn", "schema": {"type": "object"}})
    create_script(team, "root", "u/root/job")
    assert team.post(url, "root", json=body).status_code == 201
    response = team.delete(f"{FOLDERS}/ops", "root")
    assert response.status_code == 409 and error_code(response) == "invalid_state"
    assert response.json["error"]["details"]["items"] == {kind: [body["path"]]}
    assert kind in response.json["error"]["message"]
    assert team.call(method, removal, "root").status_code in (200, 204)
    assert team.delete(f"{FOLDERS}/ops", "root").status_code == 204


def test_deleting_a_folder_drops_its_acl(team):
    make_folder(team)
    grant(team, "bob", "write")
    assert team.delete(f"{FOLDERS}/ops", "root").status_code == 204
    make_folder(team)
    assert team.get(f"{FOLDERS}/ops", "root").json["acl"] == []
