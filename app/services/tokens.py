"""API tokens: random secrets shown once; only their SHA-256 digest is stored.

A token carries 256 bits of randomness, so a fast digest is enough: a slow password
hash would only make every API call slower without adding security.

A running job's token (what the SDK inside it uses) is not stored at all: it is the job's
id signed with the installation's secret key (HMAC-SHA256), valid while that job is
`running`, with its runner's rights in its workspace. So starting and ending a job writes
no token row, and a job's token dies with the job whatever ends it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from app.errors import NotFound, ValidationFailed
from app.models import ApiToken, Job, JobStatus, TokenScope, User, utcnow
from app.services import audit

TOKEN_PREFIX = "tm_"
JOB_TOKEN_PREFIX = "tmj_"
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
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, workspace_id=workspace_id, label=label,
                     prefix=secret[:DISPLAY_PREFIX_LENGTH], token_hash=digest(secret),
                     expires_at=expires_at, scope=scope,
                     run_target=run_target if scope == TokenScope.RUN else None, job_id=job_id)
    session.add(token)
    session.flush()
    if scope != TokenScope.JOB:  # job tokens are the worker's, one per run: not user actions
        audit.record(session, user.username, "token.create", token.prefix, workspace_id=workspace_id,
                     label=label, scope=scope.value, run_target=token.run_target)
    return token, secret


@dataclass(frozen=True)
class JobToken:
    """What a verified job token stands for; it answers like an ApiToken of scope JOB."""

    user: User
    workspace_id: str
    job_id: str
    id: None = None
    scope: TokenScope = TokenScope.JOB
    run_target: None = None

    @property
    def label(self) -> str:
        return f"job {self.job_id}"

    @property
    def prefix(self) -> str:
        """How the audit log names it (a stored token: the first characters of its secret)."""
        return f"{JOB_TOKEN_PREFIX}{self.job_id[:8]}"


def job_secret(key: str, job_id: str, attempt: int) -> str:
    """The token of one attempt of job `job_id` (a re-queued job's next attempt gets another);
    `key`: the secret key. See the module's docstring."""
    return f"{JOB_TOKEN_PREFIX}{job_id}.{attempt}.{_job_signature(key, job_id, attempt)}"


def _job_signature(key: str, job_id: str, attempt: int) -> str:
    message = f"taskmill job token\n{job_id}\n{attempt}".encode()
    mac = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _job_token(session: Session, secret: str, key: str) -> JobToken | None:
    job_id, attempt, signature = (secret[len(JOB_TOKEN_PREFIX):].split(".") + ["", ""])[:3]
    if not job_id or not attempt.isdigit() or not hmac.compare_digest(
            signature, _job_signature(key, job_id, int(attempt))):
        return None
    job = session.get(Job, job_id)
    if (job is None or job.status != JobStatus.RUNNING or job.attempt != int(attempt)
            or job.run_as_user_id is None):
        return None
    return JobToken(user=session.get(User, job.run_as_user_id), workspace_id=job.workspace_id, job_id=job.id)


def authenticate(session: Session, secret: str, key: str) -> ApiToken | JobToken | None:
    """The active token for `secret`, or None; `key`: the secret key (job tokens)."""
    if secret.startswith(JOB_TOKEN_PREFIX):
        return _job_token(session, secret, key)
    token = session.scalars(_token_query(), {"digest": digest(secret)}).first()
    now = utcnow()
    if token is None or not token.is_active(now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_S:
        token.last_used_at = now
    return token


@cache
def _token_query() -> Select:
    # Built once: every API request runs it, and building it costs about as much as running it.
    return select(ApiToken).where(ApiToken.token_hash == bindparam("digest"))


def list_for(session: Session, user: User) -> list[ApiToken]:
    """The user's own live tokens (job tokens are the worker's business, not listed)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                   ApiToken.scope != TokenScope.JOB)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


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
