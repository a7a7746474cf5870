"""API tokens: random secrets shown once; only their SHA-256 digest is stored.

A token carries 256 bits of randomness, so a fast digest is enough: a slow password
hash would only make every API call slower without adding security.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import NotFound, ValidationFailed
from app.models import ApiToken, TokenScope, User, utcnow
from app.services import audit

TOKEN_PREFIX = "tm_"
DISPLAY_PREFIX_LENGTH = 10
LAST_USED_RESOLUTION_S = 60
"""last_used_at is written at most once a minute so reads do not turn into writes."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, user: User, label: str, *, workspace_id: str | None = None,
           expires_at: datetime | None = None, scope: TokenScope = TokenScope.ALL,
           run_target: str | None = None, job_id: str | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plaintext secret (never stored).

    Callers check that the user may use `workspace_id` and run `run_target`.
    """
    if scope == TokenScope.RUN and not (workspace_id and run_target):
        raise ValidationFailed("a run token needs a workspace and a run target",
                               [{"field": "run_target", "message": "required with scope run"},
                                {"field": "workspace_id", "message": "required with scope run"}])
    token, secret = _new(user.id, label, workspace_id=workspace_id, expires_at=expires_at, scope=scope,
                         run_target=run_target if scope == TokenScope.RUN else None, job_id=job_id)
    session.add(token)
    session.flush()
    if scope != TokenScope.JOB:  # job tokens are the worker's, one per run: not user actions
        audit.record(session, user.username, "token.create", token.prefix, workspace_id=workspace_id,
                     label=label, scope=scope.value, run_target=token.run_target)
    return token, secret


def create_for_job(session: Session, user_id: int, job_id: str, workspace_id: str,
                   expires_at: datetime) -> str:
    """The token a job's code uses (the SDK inside its container): its runner's rights in its
    workspace, until the job ends (see revoke_job_tokens) or `expires_at`. Returns the secret;
    the row is written with the session's next flush."""
    token, secret = _new(user_id, f"job {job_id}", workspace_id=workspace_id, expires_at=expires_at,
                         scope=TokenScope.JOB, job_id=job_id)
    session.add(token)
    return secret


def _new(user_id: int, label: str, **columns: Any) -> tuple[ApiToken, str]:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return ApiToken(user_id=user_id, label=label, prefix=secret[:DISPLAY_PREFIX_LENGTH],
                    token_hash=digest(secret), **columns), secret


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The active token for `secret`, or None."""
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    now = utcnow()
    if token is None or not token.is_active(now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_S:
        token.last_used_at = now
    return token


def list_for(session: Session, user: User) -> list[ApiToken]:
    """The user's own live tokens (job tokens are the worker's business, not listed)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                   ApiToken.scope != TokenScope.JOB)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def revoke_job_tokens(session: Session, job_id: str) -> None:
    """A job's token dies with the job."""
    session.execute(update(ApiToken).where(ApiToken.job_id == job_id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def revoke_workspace_tokens(session: Session, user_id: int, workspace_id: str) -> int:
    """Revoke every live token of the user limited to `workspace_id` (they leave it); returns
    how many. Their unscoped tokens stay: membership is checked on each request anyway."""
    live = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id,
                                                  ApiToken.workspace_id == workspace_id,
                                                  ApiToken.revoked_at.is_(None))).all()
    for token in live:
        token.revoked_at = utcnow()
    return len(live)


def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(f"token {token_id} not found", {"id": token_id})
    token.revoked_at = utcnow()
    audit.record(session, user.username, "token.revoke", token.prefix, workspace_id=token.workspace_id,
                 label=token.label)
    return token
