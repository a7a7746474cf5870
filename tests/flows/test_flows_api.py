"""Flows over the API: versioned saves, reads, archive, validation with positions, cycles."""
from tests.flows.helpers import as_yaml, expr, py, save_flow, save_script

IDENTITY = {"modules": [{"id": "a", "value": {"type": "identity"}}]}


def sub(path: str, module_id: str = "call") -> dict:
    return {"modules": [{"id": module_id, "value": {"type": "flow", "path": path}}]}


def test_a_flow_is_saved_read_and_versioned(client, auth):
    first = save_flow(client, auth, "u/alice/etl", {"summary": "v1", **IDENTITY})
    assert first["modules"] == IDENTITY["modules"] and first["tag"] == "default"
    response = client.post("/api/w/main/flows/p/u/alice/etl", headers=auth,
                           json={"summary": "v2", "parent_hash": first["hash"], **IDENTITY})
    second = response.json
    assert response.status_code == 200 and second["parent_hash"] == first["hash"]
    same = client.post("/api/w/main/flows/p/u/alice/etl", headers=auth, json={"summary": "v2", **IDENTITY}).json
    assert same["hash"] == second["hash"]
    versions = client.get("/api/w/main/flows/versions/p/u/alice/etl", headers=auth).json
    assert [v["summary"] for v in versions] == ["v2", "v1"]
    assert client.get(f"/api/w/main/flows/h/{first['hash']}", headers=auth).json["summary"] == "v1"
    assert client.get("/api/w/main/flows/p/u/alice/etl", headers=auth).json["summary"] == "v2"


def test_a_stale_parent_hash_is_a_conflict(client, auth):
    save_flow(client, auth, "u/alice/etl", IDENTITY)
    response = client.post("/api/w/main/flows/p/u/alice/etl", headers=auth,
                           json={"summary": "x", "parent_hash": "0" * 16, **IDENTITY})
    assert response.status_code == 409


def test_archived_flows_leave_the_list_and_cannot_run(client, auth):
    save_flow(client, auth, "u/alice/etl", IDENTITY)
    assert client.post("/api/w/main/flows/archive/p/u/alice/etl", headers=auth).status_code == 200
    assert client.get("/api/w/main/flows", headers=auth).json == []
    assert client.post("/api/w/main/jobs/run/f/u/alice/etl", headers=auth, json={}).status_code == 404


def test_yaml_source_errors_come_with_line_and_module(client, auth):
    definition = {"modules": [{"id": "a", "value": {"type": "identity"}},
                              {"id": "b", "value": py("return x", "x"),
                               "input_transforms": {"x": expr("results.nope")}}]}
    response = client.post("/api/w/main/flows", headers=auth, json={"path": "u/alice/bad", "source": as_yaml(definition)})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["module"] == "b" and error["details"][0]["line"] == 13
    assert "unknown step id 'nope'" in error["message"]


def test_validate_answers_the_normalized_definition_without_saving(client, auth):
    response = client.post("/api/w/main/flows/validate", headers=auth, json={"source": as_yaml(IDENTITY)})
    assert response.status_code == 200
    assert response.json["definition"]["modules"] == IDENTITY["modules"]
    assert client.get("/api/w/main/flows", headers=auth).json == []


def test_a_flow_calling_itself_is_refused(client, auth):
    response = client.post("/api/w/main/flows", headers=auth, json={"path": "u/alice/loop", **sub("u/alice/loop")})
    assert response.status_code == 400
    assert "cyclic sub-flow reference: u/alice/loop → u/alice/loop" in response.json["error"]["message"]


def test_a_cycle_through_sub_flows_is_refused(client, auth):
    save_flow(client, auth, "u/alice/c", IDENTITY)
    save_flow(client, auth, "u/alice/b", sub("u/alice/c"))
    save_flow(client, auth, "u/alice/a", sub("u/alice/b"))
    response = client.post("/api/w/main/flows/p/u/alice/c", headers=auth, json=sub("u/alice/a", "back"))
    assert response.status_code == 400
    detail = response.json["error"]["details"][0]
    assert detail["module"] == "back" and detail["field"] == "modules[0].value.path"
    assert detail["message"] == "cyclic sub-flow reference: u/alice/c → u/alice/a → u/alice/b → u/alice/c"


def test_missing_scripts_and_sub_flows_are_refused(client, auth):
    response = client.post("/api/w/main/flows", headers=auth, json={"path": "u/alice/x", "modules": [
        {"id": "s", "value": {"type": "script", "path": "u/alice/none"}},
        {"id": "f", "value": {"type": "flow", "path": "u/alice/nothing"}}]})
    messages = [d["message"] for d in response.json["error"]["details"]]
    assert messages == ["script 'u/alice/none' not found", "flow 'u/alice/nothing' not found"]


def test_a_pinned_script_version_must_exist(client, auth):
    save_script(client, auth, "u/alice/s", "def main():\n    return 1\n")
    response = client.post("/api/w/main/flows", headers=auth, json={"path": "u/alice/x", "modules": [
        {"id": "s", "value": {"type": "script", "path": "u/alice/s", "hash": "deadbeef"}}]})
    assert response.json["error"]["details"][0]["field"] == "modules[0].value.hash"


def test_other_users_flows_are_invisible(client, auth, factory):
    save_flow(client, auth, "u/alice/mine", IDENTITY)
    bob = factory.user("bob")
    bob_auth = {"Authorization": f"Bearer {factory.token(bob)}"}
    assert client.get("/api/w/main/flows/p/u/alice/mine", headers=bob_auth).status_code == 404
    assert client.post("/api/w/main/jobs/run/f/u/alice/mine", headers=bob_auth, json={}).status_code == 404
    assert client.post("/api/w/main/flows", headers=bob_auth, json={"path": "u/alice/x", **IDENTITY}).status_code == 403


def test_flow_inputs_are_validated_against_its_schema(client, auth):
    save_flow(client, auth, "u/alice/typed", {"schema": {"type": "object", "properties": {"n": {"type": "integer"}},
                                                         "required": ["n"]}, **IDENTITY})
    response = client.post("/api/w/main/jobs/run/f/u/alice/typed", headers=auth, json={"n": "x"})
    assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == "n"
