"""The Variables and Resources pages through Flask's test client: masks, forms, pickers."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.crypto import secret_box
from app.models import Role, Script
from app.services import resource_types, resources, variables
from app.services.resource_types import TypeDraft
from app.services.resources import ResourceDraft
from app.services.variables import VariableDraft
from tests.browsers import csrf_token, log_in
from webui.schema_form import form_fields

PG = {"type": "object", "required": ["host"], "properties": {"host": {"type": "string"}}}


@pytest.fixture()
def alice(client, factory):
    """Alice logged in (a developer), with a secret, a pg type and a pg resource."""
    factory.workspace("main")
    factory.user("alice")
    with factory.db.session() as session:
        actor = factory.actor(session)
        variables.create(session, actor, secret_box(factory.settings), "u/alice/api_key",
                         VariableDraft(value="tok-page-5ecret", is_secret=True))
        resource_types.create(session, actor, "pg", TypeDraft(schema=PG))
        resources.create(session, actor, "u/alice/db", ResourceDraft(resource_type="pg", value={"host": "h"}))
    assert log_in(client, "alice").status_code == 302
    return client


def form_post(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/w/main/variables")})


def test_the_variables_page_masks_secrets_and_offers_to_reveal_them(alice):
    page = alice.get("/w/main/variables").get_data(as_text=True)
    assert "u/alice/api_key" in page and "•••••" in page and "tok-page-5ecret" not in page
    assert 'data-reveal="/api/w/main/variables/p/u/alice/api_key"' in page


def test_a_secret_created_from_the_form_is_stored_encrypted(alice, db):
    response = form_post(alice, "/w/main/variables", {"path": "u/alice/pw", "value": "from-form", "is_secret": "on"})
    assert response.status_code == 302
    with db.session() as session:
        row = session.execute(text("SELECT value, value_encrypted FROM variables WHERE path = 'u/alice/pw'")).one()
    assert row.value is None and "from-form" not in row.value_encrypted


def test_editing_a_secret_with_an_empty_value_keeps_it(alice, factory):
    edit = alice.get("/w/main/variables/edit/u/alice/api_key").get_data(as_text=True)
    assert "tok-page-5ecret" not in edit
    form_post(alice, "/w/main/variables/edit/u/alice/api_key", {"value": "", "is_secret": "on", "description": "CRM"})
    with factory.db.session() as session:
        _var, value = variables.read_value(session, factory.actor(session), secret_box(factory.settings),
                                           "u/alice/api_key")
    assert value == "tok-page-5ecret"


def test_a_rejected_resource_form_is_shown_again_with_what_was_typed(alice):
    response = form_post(alice, "/w/main/resources/new",
                         {"path": "u/alice/db2", "resource_type": "pg", "value": '{"host": 5}'})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "value/host" in page and "{&#34;host&#34;: 5}" in page


def test_invalid_json_is_reported_not_crashed_on(alice):
    response = form_post(alice, "/w/main/resource_types", {"name": "s3", "schema": "{not json"})
    assert response.status_code == 400 and "schema is not valid JSON" in response.get_data(as_text=True)


def test_resources_and_types_are_created_from_their_forms(alice):
    created = form_post(alice, "/w/main/resource_types", {"name": "s3", "schema": '{"type": "object"}'})
    assert created.status_code == 302
    saved = form_post(alice, "/w/main/resources/new", {"path": "u/alice/bucket", "resource_type": "s3", "value": "{}"})
    assert saved.status_code == 302
    listing = alice.get("/w/main/resources").get_data(as_text=True)
    assert "u/alice/bucket" in listing and "u/alice/db" in listing


def test_operators_get_no_forms_to_change_types(client, factory):
    factory.workspace("main")
    factory.user("olga", role=Role.OPERATOR)
    log_in(client, "olga")
    page = client.get("/w/main/resource_types").get_data(as_text=True)
    assert 'id="resource-type-form"' not in page
    assert 'id="variable-form"' not in client.get("/w/main/variables").get_data(as_text=True)


def test_a_resource_format_becomes_a_picker_field():
    schema = {"properties": {"db": {"type": "object", "format": "resource-pg"}, "n": {"type": "integer"}},
              "required": ["db"]}
    db, n = form_fields(schema)
    assert (db.kind, db.resource_type, db.type_label) == ("resource", "pg", "pg resource")
    assert n.kind == "integer" and n.resource_type == ""


def test_the_run_form_offers_the_resources_of_the_parameters_type(alice, factory):
    factory.script("u/alice/connect", "def main(db: dict):\n    return db\n")
    with factory.db.session() as session:  # introspection does not emit resource formats yet
        script = session.query(Script).filter_by(path="u/alice/connect").one()
        script.schema = {**script.schema, "properties": {"db": {"type": "object", "format": "resource-pg"}}}
    page = alice.get("/w/main/scripts/get/u/alice/connect").get_data(as_text=True)
    assert 'data-kind="resource"' in page and '<option value="$res:u/alice/db"' in page


def test_the_script_page_shows_its_isolation_and_its_dependency_lock(alice, factory):
    factory.script("u/alice/fast", "def main():\n    return 1\n", isolation="warm")
    factory.script("u/alice/plain", "import yaml\ndef main():\n    return 1\n")
    with factory.db.session() as session:
        script = session.query(Script).filter_by(path="u/alice/plain").one()
        script.dependency_lock = "PyYAML==6.0.2 --hash=sha256:0123\n"
    fast = alice.get("/w/main/scripts/get/u/alice/fast").get_data(as_text=True)
    assert 'id="script-isolation"' in fast and ">warm</span>" in fast and 'id="dependency-lock"' not in fast
    plain = alice.get("/w/main/scripts/get/u/alice/plain").get_data(as_text=True)
    assert "the worker group&#39;s default" in plain
    assert 'id="dependency-lock"' in plain and "PyYAML==6.0.2 --hash=sha256:0123" in plain
