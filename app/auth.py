"""Who is calling: a session cookie (dashboard) or a bearer token (API, SDK, webhooks).

Cookie-authenticated writes must carry a CSRF token; bearer requests need none, since a
browser never attaches an Authorization header on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from flask_login import current_user

from app.errors import NotFound, Unauthorized
from app.extensions import csrf, login_manager, runtime
from app.models import ApiToken, User, Workspace
from app.services import accounts, tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: User
    token: ApiToken | None

    @property
    def name(self) -> str:
        return self.user.username


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return runtime().db.scoped.get(User, int(user_id))


def _bearer_principal(header: str) -> Principal:
    scheme, _, secret = header.partition(" ")
    session = runtime().db.scoped
    token = tokens.authenticate(session, secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise Unauthorized("invalid, expired or revoked token")
    session.commit()
    return Principal(user=token.user, token=token)


def authenticate_api_request() -> None:
    """before_request hook of every API blueprint: sets `g.principal` or raises 401."""
    header = request.headers.get("Authorization")
    if header:
        g.principal = _bearer_principal(header)
    elif current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.principal = Principal(user=current_user._get_current_object(), token=None)
    else:
        raise Unauthorized("authentication required: send 'Authorization: Bearer <token>'")


def principal() -> Principal:
    return g.principal


def workspace(ws_id: str) -> Workspace:
    """The workspace `ws_id` if the caller may use it; 404 otherwise."""
    caller = principal()
    if caller.token is not None and caller.token.workspace_id not in (None, ws_id):
        raise NotFound(f"workspace {ws_id!r} not found", {"workspace": ws_id})
    return accounts.workspace_for(runtime().db.scoped, ws_id, caller.user)
