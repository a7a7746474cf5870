"""Scripts API: create, version, read, list, archive — and the errors for bad input."""
import pytest

HELLO_PY = 'def main(name: str, times: int = 1):\n    return name * times\n'
HELLO_SH = 'name="${1:-world}"\necho "hello $name"\n'
SOURCES = {"python": HELLO_PY, "bash": HELLO_SH}


def create(client, auth, path="u/alice/hello", language="python", content=None, **extra):
    body = {"path": path, "language": language, "content": content or SOURCES[language], **extra}
    return client.post("/api/w/main/scripts", json=body, headers=auth)


@pytest.mark.parametrize("language", ["python", "bash"])
def test_created_script_carries_its_parameter_schema(client, auth, language):
    response = create(client, auth, language=language)
    assert response.status_code == 201, response.json
    schema = response.json["schema"]
    expected = "name" if language == "python" else "name"
    assert expected in schema["properties"]
    assert response.json["hash"] and response.json["created_by"] == "alice"


def test_update_creates_a_new_version_and_latest_follows_it(client, auth):
    first = create(client, auth).json
    changed = client.post("/api/w/main/scripts/p/u/alice/hello", headers=auth,
                          json={"language": "python", "content": HELLO_PY + "# v2\n"}).json
    assert changed["hash"] != first["hash"] and changed["parent_hash"] == first["hash"]
    assert client.get("/api/w/main/scripts/p/u/alice/hello", headers=auth).json["hash"] == changed["hash"]
    old = client.get(f"/api/w/main/scripts/h/{first['hash']}", headers=auth)
    assert old.status_code == 200 and old.json["content"] == HELLO_PY
    versions = client.get("/api/w/main/scripts/versions/p/u/alice/hello", headers=auth).json
    assert [v["hash"] for v in versions] == [changed["hash"], first["hash"]]


def test_saving_identical_content_keeps_the_same_version(client, auth):
    first = create(client, auth).json
    again = client.post("/api/w/main/scripts/p/u/alice/hello", headers=auth,
                        json={"language": "python", "content": HELLO_PY}).json
    assert again["hash"] == first["hash"]


def test_update_with_stale_parent_hash_is_a_conflict(client, auth):
    create(client, auth)
    response = client.post("/api/w/main/scripts/p/u/alice/hello", headers=auth,
                           json={"language": "python", "content": "def main(): pass\n",
                                 "parent_hash": "0000000000000000"})
    assert response.status_code == 409


def test_list_returns_latest_versions_and_hides_archived(client, auth):
    create(client, auth, path="u/alice/a")
    create(client, auth, path="u/alice/b", language="bash")
    assert client.post("/api/w/main/scripts/archive/p/u/alice/a", headers=auth).status_code == 200
    listed = client.get("/api/w/main/scripts", headers=auth).json
    assert [s["path"] for s in listed] == ["u/alice/b"]
    everything = client.get("/api/w/main/scripts?include_archived=true", headers=auth).json
    assert {s["path"] for s in everything} == {"u/alice/a", "u/alice/b"}
    assert client.get("/api/w/main/scripts/p/u/alice/a", headers=auth).status_code == 404


def test_python_syntax_error_is_rejected_with_line_and_column(client, auth):
    response = create(client, auth, content="def main(x):\n    return (x +\n")
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "script_syntax_error"
    assert error["details"]["line"] >= 2 and error["details"]["column"] >= 1


def test_bash_syntax_error_is_rejected_with_line(client, auth):
    response = create(client, auth, language="bash", content='echo ok\nif then\n')
    assert response.status_code == 400
    assert response.json["error"]["details"]["line"] == 2


def test_unknown_language_is_a_validation_error(client, auth):
    response = create(client, auth, language="cobol", content="DISPLAY 'HI'.")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_error"
    assert response.json["error"]["details"][0]["field"] == "language"


@pytest.mark.parametrize("path", ["hello", "x/alice/hello", "u/alice", "u/alice/../etc", "u/al ice/x", "u//x"])
def test_malformed_path_is_rejected(client, auth, path):
    response = create(client, auth, path=path)
    assert response.status_code == 400
    assert response.json["error"]["details"][0]["field"] == "path"


def test_duplicate_path_is_a_conflict(client, auth):
    create(client, auth)
    response = create(client, auth)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


def test_missing_required_body_fields_are_all_listed(client, auth):
    response = client.post("/api/w/main/scripts", json={}, headers=auth)
    assert response.status_code == 400
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert {"path", "language", "content"} <= fields


def test_unknown_script_and_version_are_404(client, auth):
    assert client.get("/api/w/main/scripts/p/u/alice/nope", headers=auth).status_code == 404
    assert client.get("/api/w/main/scripts/h/deadbeef", headers=auth).status_code == 404
