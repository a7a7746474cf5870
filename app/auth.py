"""Who is calling: a session cookie (dashboard) or a bearer token (API, SDK, webhooks).

Cookie-authenticated writes must carry a CSRF token; bearer requests need none, since a
browser never attaches an Authorization header on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from flask_login import current_user

from app.authz import Actor, load_actor
from app.errors import Forbidden, Unauthorized
from app.extensions import csrf, login_manager, runtime
from app.models import ApiToken, TokenScope, User
from app.services import tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RUN_SCOPE_ENDPOINTS = frozenset({"jobs.run_by_path", "jobs.run_by_hash", "jobs.run_wait_result",
                                 "jobs.get_job", "jobs.get_logs", "jobs.stream_job",
                                 "jobs.run_flow_by_path", "jobs.run_flow_wait_result",
                                 "flow_runs.get_steps", "account.whoami"})


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
    key = runtime().settings.resolved_secret_key()
    token = tokens.authenticate(session, secret.strip(), key) if scheme.lower() == "bearer" else None
    if token is None:
        raise Unauthorized("invalid, expired or revoked token")
    if session.dirty:  # its last use, noted at most once a minute
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
    require_endpoint_in_token_scope()


def principal() -> Principal:
    return g.principal


def actor(ws_id: str) -> Actor:
    """The caller acting in workspace `ws_id` (404 if they may not enter it), once per request."""
    cached = g.get("actors", {})
    if ws_id not in cached:
        caller = principal()
        cached[ws_id] = load_actor(runtime().db.scoped, ws_id, caller.user, caller.token)
        g.actors = cached
    return cached[ws_id]


def require_full_token() -> None:
    """Account management needs a session or an unrestricted token."""
    token = principal().token
    if token is not None and token.scope != TokenScope.ALL:
        raise Forbidden(f"a {token.scope.value} token cannot manage the account")


def require_endpoint_in_token_scope() -> None:
    """A run-scoped (webhook) token may call the run endpoints and read its jobs, nothing else."""
    token = principal().token
    if token is not None and token.scope == TokenScope.RUN and request.endpoint not in RUN_SCOPE_ENDPOINTS:
        raise Forbidden("this token may only run its target")
