"""Resource types and typed resources over the API, with `$var:` references inside."""
import pytest

from app.models import Level, TargetKind
from tests.platform.conftest import W, get, grant, post

PG = {"type": "object", "additionalProperties": False, "required": ["host", "port"],
      "properties": {"host": {"type": "string"}, "port": {"type": "integer"},
                     "password": {"type": "string", "minLength": 8}}}
DB = {"path": "u/alice/db", "resource_type": "pg", "value": {"host": "db.local", "port": 5432}}


@pytest.fixture()
def pg(client, team):
    return post(client, team.alice, "/resource_types", {"name": "pg", "schema": PG, "description": "Postgres"}, 201)


def test_any_member_reads_types_but_operators_may_not_change_them(client, team, pg):
    assert [t["name"] for t in get(client, team.olga, "/resource_types")] == ["pg"]
    assert get(client, team.olga, "/resource_types/pg")["schema"] == PG
    post(client, team.olga, "/resource_types", {"name": "s3", "schema": {}}, 403)
    post(client, team.olga, "/resource_types/pg", {"description": "x"}, 403)
    assert client.delete(f"{W}/resource_types/pg", headers=team.olga).status_code == 403


def test_a_developer_may_change_a_type_another_created(client, team, pg):
    assert post(client, team.bob, "/resource_types/pg", {"description": "PG 16"}, 200)["description"] == "PG 16"


def test_a_type_needs_a_valid_schema_and_a_free_name(client, team, pg):
    error = post(client, team.alice, "/resource_types", {"name": "bad", "schema": {"type": "nope"}}, 400)
    assert error["error"]["details"][0]["field"].startswith("schema")
    post(client, team.alice, "/resource_types", {"name": "pg", "schema": {}}, 409)
    post(client, team.alice, "/resource_types", {"name": "no spaces", "schema": {}}, 400)
    get(client, team.alice, "/resource_types/nope", 404)


def test_a_type_in_use_cannot_be_deleted(client, team, pg):
    post(client, team.alice, "/resources", DB, 201)
    assert client.delete(f"{W}/resource_types/pg", headers=team.alice).status_code == 409
    assert client.delete(f"{W}/resources/p/u/alice/db", headers=team.alice).status_code == 204
    assert client.delete(f"{W}/resource_types/pg", headers=team.alice).status_code == 204


def test_a_resource_that_fits_its_type_is_saved(client, team, pg):
    created = post(client, team.alice, "/resources", DB, 201)
    assert created["value"] == DB["value"] and created["resource_type"] == "pg"
    assert get(client, team.alice, "/resources/p/u/alice/db")["value"] == DB["value"]


def test_a_resource_that_does_not_fit_is_a_400_listing_every_field(client, team, pg):
    body = {**DB, "value": {"host": 1, "port": "x", "extra": True}}
    error = post(client, team.alice, "/resources", body, 400)["error"]
    assert {d["field"] for d in error["details"]} == {"value", "value/host", "value/port"}
    assert "value/host" in error["message"]


def test_an_unknown_type_is_a_400_on_resource_type(client, team, pg):
    error = post(client, team.alice, "/resources", {**DB, "resource_type": "mysql"}, 400)["error"]
    assert error["details"] == [{"field": "resource_type", "message": "no resource type 'mysql'"}]


def test_a_var_reference_stands_where_a_string_is_wanted_only(client, team, pg):
    post(client, team.alice, "/resources", {**DB, "value": {**DB["value"], "password": "$var:u/alice/pw"}}, 201)
    error = post(client, team.alice, "/resources", {**DB, "path": "u/alice/db2",
                                                    "value": {"host": "h", "port": "$var:u/alice/port"}}, 400)
    assert error["error"]["details"][0]["field"] == "value/port"


def test_resource_paths_are_checked_like_scripts(client, team, factory, pg):
    post(client, team.alice, "/resources", DB, 201)
    post(client, team.alice, "/resources", DB, 409)
    post(client, team.alice, "/resources", {**DB, "path": "u/alice"}, 400)
    post(client, team.bob, "/resources", {**DB, "path": "u/alice/other"}, 403)
    get(client, team.bob, "/resources/p/u/alice/db", 404)
    grant(factory, TargetKind.RESOURCE, "u/alice/db", "bob", Level.READ)
    assert get(client, team.bob, "/resources/p/u/alice/db")["path"] == "u/alice/db"
    post(client, team.bob, "/resources/p/u/alice/db", {"description": "x"}, 403)


def test_update_revalidates_against_the_type(client, team, pg):
    post(client, team.alice, "/resources", DB, 201)
    post(client, team.alice, "/resources/p/u/alice/db", {"value": {"host": "h"}}, 400)
    updated = post(client, team.alice, "/resources/p/u/alice/db", {"value": {"host": "h", "port": 1}}, 200)
    assert updated["value"] == {"host": "h", "port": 1}


def test_list_filters_by_type(client, team, pg):
    post(client, team.alice, "/resource_types", {"name": "s3", "schema": {"type": "object"}}, 201)
    post(client, team.alice, "/resources", DB, 201)
    post(client, team.alice, "/resources", {"path": "u/alice/bucket", "resource_type": "s3", "value": {}}, 201)
    assert [r["path"] for r in get(client, team.alice, "/resources")] == ["u/alice/bucket", "u/alice/db"]
    assert [r["path"] for r in get(client, team.alice, "/resources?resource_type=pg")] == ["u/alice/db"]


def test_resolve_replaces_var_references_with_the_callers_rights(client, team, factory, pg):
    post(client, team.alice, "/variables", {"path": "u/alice/pw", "value": "correct-horse", "is_secret": True}, 201)
    post(client, team.alice, "/resources", {**DB, "value": {**DB["value"], "password": "$var:u/alice/pw"}}, 201)
    resolved = get(client, team.alice, "/resources/p/u/alice/db?resolve=true")
    assert resolved["value"]["password"] == "correct-horse"
    assert get(client, team.alice, "/resources/p/u/alice/db")["value"]["password"] == "$var:u/alice/pw"

    grant(factory, TargetKind.RESOURCE, "u/alice/db", "bob", Level.READ)
    error = get(client, team.bob, "/resources/p/u/alice/db?resolve=true", 404)["error"]
    assert "$var:u/alice/pw" in error["message"] and "correct-horse" not in str(error)


def test_resolve_checks_the_resolved_value_against_the_type(client, team, pg):
    post(client, team.alice, "/variables", {"path": "u/alice/pw", "value": "short"}, 201)
    post(client, team.alice, "/resources", {**DB, "value": {**DB["value"], "password": "$var:u/alice/pw"}}, 201)
    error = get(client, team.alice, "/resources/p/u/alice/db?resolve=true", 409)["error"]
    assert "value/password" in error["message"]
