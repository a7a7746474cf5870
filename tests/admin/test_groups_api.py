"""Groups API: everyone lists, admins create, rename, fill and delete groups."""
from tests.admin.conftest import error_code, fields_of

GROUPS = "/api/w/main/groups"


def make_group(team, name: str = "ops", *members: str) -> None:
    assert team.post(GROUPS, "root", json={"name": name, "summary": "on call"}).status_code == 201
    for username in members:
        assert team.post(f"{GROUPS}/{name}/members", "root", json={"username": username}).status_code == 201


def test_admin_creates_a_group_and_adds_members(team):
    make_group(team, "ops", "bob", "alice")
    group = team.get(f"{GROUPS}/ops", "olga").json
    assert group["name"] == "ops" and group["summary"] == "on call"
    assert group["members"] == ["alice", "bob"]


def test_every_member_lists_groups_with_their_members(team):
    make_group(team, "ops", "bob")
    make_group(team, "analysts")
    listed = team.get(GROUPS, "olga").json
    assert [(g["name"], g["members"]) for g in listed] == [("analysts", []), ("ops", ["bob"])]


def test_outsider_gets_404(team):
    make_group(team)
    assert team.get(GROUPS, "eve").status_code == 404
    assert team.get(f"{GROUPS}/ops", "eve").status_code == 404


def test_non_admins_cannot_change_groups(team):
    make_group(team)
    assert team.post(GROUPS, "alice", json={"name": "devs"}).status_code == 403
    assert team.patch(f"{GROUPS}/ops", "alice", json={"summary": "mine"}).status_code == 403
    assert team.post(f"{GROUPS}/ops/members", "alice", json={"username": "alice"}).status_code == 403
    assert team.delete(f"{GROUPS}/ops", "olga").status_code == 403


def test_duplicate_group_name_is_a_conflict(team):
    make_group(team)
    response = team.post(GROUPS, "root", json={"name": "ops"})
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_malformed_name_is_a_validation_error(team):
    response = team.post(GROUPS, "root", json={"name": "no spaces"})
    assert response.status_code == 400 and fields_of(response) == {"name"}


def test_only_workspace_members_can_join_a_group(team):
    make_group(team)
    response = team.post(f"{GROUPS}/ops/members", "root", json={"username": "eve"})
    assert response.status_code == 400 and fields_of(response) == {"username"}


def test_adding_someone_twice_is_a_conflict(team):
    make_group(team, "ops", "bob")
    assert team.post(f"{GROUPS}/ops/members", "root", json={"username": "bob"}).status_code == 409


def test_removing_a_member(team):
    make_group(team, "ops", "bob", "alice")
    assert team.delete(f"{GROUPS}/ops/members/bob", "root").status_code == 204
    assert team.get(f"{GROUPS}/ops", "root").json["members"] == ["alice"]
    assert team.delete(f"{GROUPS}/ops/members/bob", "root").status_code == 404


def test_rename_keeps_members_and_grants(team):
    make_group(team, "ops", "bob")
    team.post("/api/w/main/folders", "root", json={"name": "tools"})
    team.put("/api/w/main/folders/tools/acl", "root", json={"principal": {"group": "ops"}, "level": "read"})
    renamed = team.patch(f"{GROUPS}/ops", "root", json={"name": "sre"})
    assert renamed.status_code == 200 and renamed.json["members"] == ["bob"]
    assert team.get(f"{GROUPS}/ops", "root").status_code == 404
    acl = team.get("/api/w/main/folders/tools", "root").json["acl"]
    assert acl == [{"principal": {"group": "sre"}, "level": "read", "created_at": acl[0]["created_at"]}]


def test_rename_onto_an_existing_name_is_a_conflict(team):
    make_group(team, "ops")
    make_group(team, "sre")
    assert team.patch(f"{GROUPS}/ops", "root", json={"name": "sre"}).status_code == 409


def test_deleting_a_group_takes_its_grants_away(team):
    make_group(team, "ops", "bob")
    team.post("/api/w/main/folders", "root", json={"name": "tools"})
    team.put("/api/w/main/folders/tools/acl", "root", json={"principal": {"group": "ops"}, "level": "write"})
    assert team.get("/api/w/main/folders/tools", "bob").status_code == 200
    assert team.delete(f"{GROUPS}/ops", "root").status_code == 204
    assert team.get("/api/w/main/folders/tools", "bob").status_code == 404
    assert team.get("/api/w/main/folders/tools", "root").json["acl"] == []
