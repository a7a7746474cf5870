"""Shares API: who else may use one item; sharing needs the right to share, and it is real."""
import pytest

from tests.admin.conftest import PYTHON_HELLO, UNSERVED, error_code, fields_of

PATH = "u/alice/hello"
SHARES = f"/api/w/main/shares/script/p/{PATH}"


@pytest.fixture()
def script(team):
    response = team.post("/api/w/main/scripts", "alice", json={
        "path": PATH, "language": "python", "content": PYTHON_HELLO, "tag": UNSERVED})
    assert response.status_code == 201, response.json


def share(team, who: dict, level: str = "read", by: str = "alice"):
    return team.put(SHARES, by, json={"principal": who, "level": level})


def test_owner_shares_and_lists(team, script):
    response = share(team, {"user": "olga"})
    assert response.status_code == 200
    assert [(e["principal"], e["level"]) for e in response.json] == [({"user": "olga"}, "read")]
    assert team.get(SHARES, "alice").json == response.json


def test_an_operator_shared_a_script_runs_it_without_seeing_the_code(team, script):
    share(team, {"user": "olga"})
    run = team.post(f"/api/w/main/jobs/run/p/{PATH}", "olga", json={"name": "x"})
    assert run.status_code == 201, run.json
    seen = team.get(f"/api/w/main/scripts/p/{PATH}", "olga")
    assert seen.status_code == 200 and seen.json["content"] is None
    assert team.get(SHARES, "olga").status_code == 200


def test_removing_the_share_hides_the_script_again(team, script):
    share(team, {"user": "olga"})
    assert team.delete(f"{SHARES}?user=olga", "alice").status_code == 204
    assert team.get(f"/api/w/main/scripts/p/{PATH}", "olga").status_code == 404
    assert team.post(f"/api/w/main/jobs/run/p/{PATH}", "olga", json={}).status_code == 404


def test_a_group_share_reaches_its_members(team, script):
    team.post("/api/w/main/groups", "root", json={"name": "ops"})
    team.post("/api/w/main/groups/ops/members", "root", json={"username": "bob"})
    assert share(team, {"group": "ops"}, "write").status_code == 200
    update = team.post(f"/api/w/main/scripts/p/{PATH}", "bob",
                       json={"language": "python", "content": PYTHON_HELLO + "# v2\n"})
    assert update.status_code == 200


def test_readers_cannot_share_further(team, script):
    share(team, {"user": "bob"})
    response = share(team, {"user": "olga"}, by="bob")
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_an_admin_share_lets_the_sharee_share(team, script):
    share(team, {"user": "bob"}, "admin")
    assert share(team, {"user": "olga"}, by="bob").status_code == 200


def test_workspace_admins_may_share_anything(team, script):
    assert share(team, {"user": "bob"}, by="root").status_code == 200


def test_those_who_cannot_read_the_item_get_404(team, script):
    assert team.get(SHARES, "bob").status_code == 404
    assert share(team, {"user": "bob"}, by="bob").status_code == 404
    assert team.get(SHARES, "eve").status_code == 404


def test_sharing_with_someone_outside_the_workspace_is_rejected(team, script):
    response = share(team, {"user": "eve"})
    assert response.status_code == 400 and fields_of(response) == {"principal"}


def test_sharing_a_missing_item_is_404(team):
    assert team.put("/api/w/main/shares/script/p/u/alice/nothing", "alice",
                    json={"principal": {"user": "bob"}, "level": "read"}).status_code == 404


def test_folders_are_not_shared_through_this_endpoint(team, script):
    assert team.get("/api/w/main/shares/folder/p/ops", "root").status_code == 404
