"""/api/whoami, /api/workspaces and /api/tokens: the caller's own account."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (TokenCreatedSchema, TokenCreateSchema, TokenSchema, WhoAmISchema,
                             WorkspaceCreateSchema, WorkspaceSchema)
from app.auth import actor, authenticate_api_request, principal, require_full_token
from app.authz import require_run_target
from app.models import TokenScope
from app.extensions import runtime
from app.services import accounts, tokens

blp = Blueprint("account", __name__, url_prefix="/api", description="The caller's account and tokens")
blp.before_request(authenticate_api_request)


@blp.get("/whoami")
@blp.response(200, WhoAmISchema)
def whoami():
    """The authenticated user and the workspaces they can enter."""
    user = principal().user
    return {"username": user.username, "email": user.email, "is_superadmin": user.is_superadmin,
            "workspaces": accounts.workspaces_of(runtime().db.scoped, user)}


@blp.get("/workspaces")
@blp.response(200, WorkspaceSchema(many=True))
def list_workspaces():
    """The workspaces the caller can enter (every one, for superadmins)."""
    return accounts.workspaces_of(runtime().db.scoped, principal().user)


@blp.post("/workspaces")
@blp.arguments(WorkspaceCreateSchema)
@blp.response(201, WorkspaceSchema)
def create_workspace(data: dict):
    """Create a workspace (superadmins); the caller becomes its first admin. 409 if the id is taken."""
    require_full_token()
    with runtime().db.session() as session:
        return accounts.create_workspace_for(session, principal().user, data["id"], data["name"])


@blp.get("/tokens")
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """The caller's active tokens (never their secrets)."""
    require_full_token()
    return tokens.list_for(runtime().db.scoped, principal().user)


@blp.post("/tokens")
@blp.arguments(TokenCreateSchema)
@blp.response(201, TokenCreatedSchema)
def create_token(data: dict):
    """Create a token; the secret is in this response only.

    `scope` narrows it: `read_only`, or `run` with a `run_target` such as `script/u/me/hook`
    (a webhook token: it can run that one target and read the jobs it started).
    """
    require_full_token()
    scope = TokenScope(data["scope"])
    if data["workspace_id"]:
        caller = actor(data["workspace_id"])
        if scope == TokenScope.RUN:
            require_run_target(caller, data["run_target"])
    with runtime().db.session() as session:
        token, secret = tokens.create(session, principal().user, data["label"],
                                      workspace_id=data["workspace_id"], expires_at=data["expires_at"],
                                      scope=scope, run_target=data["run_target"])
    token.token = secret  # a plain attribute, never persisted: the secret is shown once
    return token


@blp.delete("/tokens/<int:token_id>")
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke a token; it stops working at once."""
    require_full_token()
    with runtime().db.session() as session:
        tokens.revoke(session, principal().user, token_id)
