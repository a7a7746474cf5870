"""Invitations: single-use links that let someone join a workspace with a given role.

No mail server is assumed: an admin creates an invitation and passes its link on. Like API
tokens, only the SHA-256 digest of the link's secret is stored, and the secret is shown once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Actor, require_admin
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Invitation, Member, Role, User, Workspace, utcnow
from app.services import accounts, audit
from app.services.tokens import digest

DEFAULT_EXPIRY_DAYS = 7
MAX_EXPIRY_DAYS = 30
"""A link lives at most a month: long enough to be read, short enough to go stale safely."""


def create(session: Session, actor: Actor, role: Role,
           expires_in_days: int = DEFAULT_EXPIRY_DAYS) -> tuple[Invitation, str]:
    """A new invitation (admins only); returns the row and its secret, which is never stored."""
    require_admin(actor)
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed("expires_in_days out of range", [
            {"field": "expires_in_days", "message": f"between 1 and {MAX_EXPIRY_DAYS}"}])
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(workspace_id=actor.ws_id, role=role, token_hash=digest(secret),
                            created_by=actor.name,
                            expires_at=utcnow() + timedelta(days=expires_in_days))
    session.add(invitation)
    session.flush()
    audit.record_for(session, actor, "invitation.create", str(invitation.id), role=role.value,
                     expires_in_days=expires_in_days)
    return invitation, secret


def list_pending(session: Session, actor: Actor) -> list[Invitation]:
    """Invitations that can still be accepted, newest first (admins only)."""
    require_admin(actor)
    query = select(Invitation).where(
        Invitation.workspace_id == actor.ws_id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
    return list(session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def revoke(session: Session, actor: Actor, invitation_id: int) -> Invitation:
    """Make a pending invitation's link stop working (admins only)."""
    require_admin(actor)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.workspace_id != actor.ws_id or _unusable_because(invitation):
        raise NotFound(f"invitation {invitation_id} not found", {"id": invitation_id})
    invitation.revoked_at = utcnow()
    audit.record_for(session, actor, "invitation.revoke", str(invitation.id))
    return invitation


def _unusable_because(invitation: Invitation) -> str | None:
    if invitation.revoked_at is not None:
        return "was revoked"
    if invitation.accepted_at is not None:
        return "was already used"
    if invitation.expires_at <= utcnow():
        return "has expired"
    return None


def find_pending(session: Session, secret: str, *, lock: bool = False) -> Invitation:
    """The invitation for a link's secret, if it can still be accepted; NotFound says why not."""
    query = select(Invitation).where(Invitation.token_hash == digest(secret))
    invitation = session.scalars(query.with_for_update() if lock else query).first()
    if invitation is None:
        raise NotFound("this invitation link is not valid")
    reason = _unusable_because(invitation)
    if reason:
        raise NotFound(f"this invitation {reason}; ask a workspace admin for a new link",
                       {"workspace": invitation.workspace_id})
    return invitation


@dataclass(frozen=True)
class Preview:
    """What an invitation link offers, for the page that asks the invitee to accept."""

    workspace_id: str
    workspace_name: str
    role: Role
    expires_at: datetime


def preview(session: Session, secret: str) -> Preview:
    """The workspace and role a pending invitation offers; NotFound says why it is unusable."""
    invitation = find_pending(session, secret)
    workspace = session.get(Workspace, invitation.workspace_id)
    return Preview(workspace_id=workspace.id, workspace_name=workspace.name, role=invitation.role,
                   expires_at=invitation.expires_at)


def accept(session: Session, secret: str, user: User) -> Member:
    """Join `user` to the invitation's workspace with its role; the link is then used up.

    The row is locked so a link opened twice at once admits only one person.
    """
    invitation = find_pending(session, secret, lock=True)
    if accounts.is_member(session, invitation.workspace_id, user):
        raise Conflict(f"you are already a member of workspace {invitation.workspace_id!r}",
                       {"workspace": invitation.workspace_id})
    member = accounts.add_member(session, invitation.workspace_id, user, invitation.role)
    invitation.accepted_by = user.username
    invitation.accepted_at = utcnow()
    audit.record(session, user.username, "invitation.accept", str(invitation.id),
                 workspace_id=invitation.workspace_id, role=invitation.role.value)
    return member


def sign_up(session: Session, secret: str, username: str, email: str, password: str) -> User:
    """Create an account from an invitation link and accept it, in one unit of work."""
    find_pending(session, secret)  # a dead link creates no account
    accounts.check_new_account(username, email, password)
    user = accounts.create_user(session, username, email, password)
    audit.record(session, username, "user.sign_up")
    accept(session, secret, user)
    return user
