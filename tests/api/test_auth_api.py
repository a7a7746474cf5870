"""Tokens, authentication, workspaces, request limits and the OpenAPI document."""
from datetime import datetime, timedelta, timezone


def test_missing_token_is_401_with_the_error_shape(client, factory):
    factory.workspace("main")
    response = client.get("/api/w/main/scripts")
    assert response.status_code == 401
    assert set(response.json["error"]) == {"code", "message", "details"}


def test_invalid_token_is_401(client, factory):
    factory.workspace("main")
    response = client.get("/api/w/main/scripts", headers={"Authorization": "Bearer tm_nope"})
    assert response.status_code == 401


def test_unknown_workspace_is_404(client, auth):
    assert client.get("/api/w/elsewhere/scripts", headers=auth).status_code == 404


def test_workspace_of_which_the_user_is_not_a_member_is_404(client, factory, auth):
    factory.workspace("private")
    assert client.get("/api/w/private/scripts", headers=auth).status_code == 404


def test_created_token_is_shown_once_and_stored_hashed(client, auth, db):
    created = client.post("/api/tokens", json={"label": "ci"}, headers=auth)
    assert created.status_code == 201
    secret = created.json["token"]
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = client.get("/api/tokens", headers=auth).json
    assert all("token" not in t for t in listed)
    from app.models import ApiToken
    with db.session() as session:
        stored = [t.token_hash for t in session.query(ApiToken)]
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_revoked_token_fails_at_once(client, auth):
    created = client.post("/api/tokens", json={"label": "temp"}, headers=auth).json
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/whoami", headers=headers).status_code == 200
    assert client.delete(f"/api/tokens/{created['id']}", headers=auth).status_code == 204
    assert client.get("/api/whoami", headers=headers).status_code == 401


def test_expired_token_fails(client, factory, auth):
    user = factory.user("bob")
    secret = factory.token(user, expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_workspace_scoped_token_cannot_enter_another_workspace(client, factory, auth):
    factory.workspace("other")
    user = factory.user("carol", ws_id="other")
    from app.services import accounts
    from app.models import Role
    with factory.db.session() as session:
        accounts.add_member(session, "main", user, Role.DEVELOPER)
    secret = factory.token(user, workspace_id="other")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/w/other/scripts", headers=headers).status_code == 200
    assert client.get("/api/w/main/scripts", headers=headers).status_code == 404


def test_oversized_body_is_413(client, auth, settings):
    body = b'{"path": "u/alice/big", "language": "python", "content": "' + b"x" * (settings.max_request_bytes + 1) + b'"}'
    response = client.post("/api/w/main/scripts", data=body, headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_cookie_session_writes_need_a_csrf_token(app, factory):
    factory.workspace("main")
    user = factory.user("dave")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/api/w/main/scripts").status_code == 200
    response = client.post("/api/w/main/scripts", json={"path": "u/dave/x", "language": "bash", "content": "echo"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"


def test_openapi_document_is_generated_from_the_schemas(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/w/{ws}/jobs/run/p/{path}" in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert "Script" in schemas and "Job" in schemas
    assert schemas["Error"]["properties"]["error"]
