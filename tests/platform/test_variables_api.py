"""Variables and secrets over the API: paths checked like scripts, secrets never listed."""
from app.models import Level, TargetKind
from tests.platform.conftest import W, get, grant, post

SECRET = {"path": "u/alice/api_key", "value": "tok-9f8e7d", "is_secret": True, "description": "CRM"}


def test_a_plain_variable_reads_back_in_the_list_and_alone(client, team):
    created = post(client, team.alice, "/variables", {"path": "u/alice/region", "value": "eu-west-1"}, 201)
    assert created["value"] == "eu-west-1" and created["is_secret"] is False
    assert [v["value"] for v in get(client, team.alice, "/variables")] == ["eu-west-1"]
    assert get(client, team.alice, "/variables/p/u/alice/region")["value"] == "eu-west-1"


def test_a_secret_value_is_null_in_lists_and_in_the_create_response(client, team):
    assert post(client, team.alice, "/variables", SECRET, 201)["value"] is None
    listed = get(client, team.alice, "/variables")
    assert listed[0]["path"] == "u/alice/api_key" and listed[0]["value"] is None
    assert "tok-9f8e7d" not in client.get(f"{W}/variables", headers=team.root).get_data(as_text=True)


def test_a_secret_is_revealed_to_whoever_may_read_it(client, team):
    post(client, team.alice, "/variables", SECRET, 201)
    assert get(client, team.alice, "/variables/p/u/alice/api_key")["value"] == "tok-9f8e7d"
    assert get(client, team.root, "/variables/p/u/alice/api_key")["value"] == "tok-9f8e7d"


def test_an_operator_sees_a_shared_secret_but_never_its_value(client, team, factory):
    post(client, team.alice, "/variables", SECRET, 201)
    grant(factory, TargetKind.VARIABLE, "u/alice/api_key", "olga", Level.READ)
    assert get(client, team.olga, "/variables/p/u/alice/api_key")["value"] is None
    assert [v["path"] for v in get(client, team.olga, "/variables")] == ["u/alice/api_key"]


def test_another_developers_variable_does_not_exist_for_you(client, team):
    post(client, team.alice, "/variables", SECRET, 201)
    assert get(client, team.bob, "/variables") == []
    get(client, team.bob, "/variables/p/u/alice/api_key", 404)
    post(client, team.bob, "/variables/p/u/alice/api_key", {"value": "x"}, 404)


def test_creating_in_a_folder_takes_write_on_it(client, team, factory):
    body = {"path": "f/ops/token", "value": "t"}
    post(client, team.root, "/variables", {"path": "f/ops/seed", "value": "s"}, 201)  # admin creates f/ops
    post(client, team.bob, "/variables", body, 403)
    grant(factory, TargetKind.FOLDER, "ops", "bob", Level.WRITE)
    post(client, team.bob, "/variables", body, 201)


def test_operators_may_not_create_variables(client, team):
    post(client, team.olga, "/variables", {"path": "u/olga/x", "value": "1"}, 403)


def test_a_taken_path_is_a_conflict(client, team):
    post(client, team.alice, "/variables", SECRET, 201)
    error = post(client, team.alice, "/variables", {**SECRET, "is_secret": False}, 409)
    assert error["error"]["code"] == "conflict"


def test_a_malformed_path_is_a_400_naming_the_field(client, team):
    error = post(client, team.alice, "/variables", {"path": "alice/key", "value": "1"}, 400)
    assert error["error"]["details"][0]["field"] == "path"


def test_update_changes_only_what_is_given_and_can_make_it_secret(client, team):
    post(client, team.alice, "/variables", {"path": "u/alice/region", "value": "eu", "description": "d"}, 201)
    updated = post(client, team.alice, "/variables/p/u/alice/region", {"is_secret": True}, 200)
    assert updated["is_secret"] is True and updated["value"] is None and updated["description"] == "d"
    assert get(client, team.alice, "/variables/p/u/alice/region")["value"] == "eu"
    back = post(client, team.alice, "/variables/p/u/alice/region", {"is_secret": False, "value": "us"}, 200)
    assert back["value"] == "us"


def test_a_reader_may_not_change_or_delete(client, team, factory):
    post(client, team.alice, "/variables", SECRET, 201)
    grant(factory, TargetKind.VARIABLE, "u/alice/api_key", "bob", Level.READ)
    post(client, team.bob, "/variables/p/u/alice/api_key", {"value": "x"}, 403)
    assert client.delete(f"{W}/variables/p/u/alice/api_key", headers=team.bob).status_code == 403


def test_delete_removes_the_variable(client, team):
    post(client, team.alice, "/variables", SECRET, 201)
    assert client.delete(f"{W}/variables/p/u/alice/api_key", headers=team.alice).status_code == 204
    get(client, team.alice, "/variables/p/u/alice/api_key", 404)
