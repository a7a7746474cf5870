"""Workspace members: who belongs to a workspace, with which role, and leaving it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.authz import Actor, require_admin
from app.errors import InvalidState, NotFound
from app.models import Group, GroupMember, Member, PrincipalKind, Role, User
from app.services import audit, grants, tokens


@dataclass(frozen=True)
class MemberInfo:
    """A member as the members list shows them."""

    username: str
    email: str
    role: Role


def list_members(session: Session, actor: Actor) -> list[MemberInfo]:
    """Every member of the actor's workspace, by username (any member may list them, for pickers)."""
    rows = session.execute(select(User.username, User.email, Member.role)
                           .join(Member, Member.user_id == User.id)
                           .where(Member.workspace_id == actor.ws_id).order_by(User.username))
    return [MemberInfo(username=u, email=e, role=r) for u, e, r in rows]


def _get(session: Session, ws_id: str, username: str) -> tuple[Member, User]:
    row = session.execute(select(Member, User).join(User, Member.user_id == User.id)
                          .where(Member.workspace_id == ws_id, User.username == username)).first()
    if row is None:
        raise NotFound(f"member {username!r} not found", {"username": username})
    return row[0], row[1]


def _keep_an_admin(session: Session, ws_id: str, member: Member, action: str) -> None:
    """Refuse to take away the workspace's last admin.

    Admin rows are locked first, so two admins demoting each other at the same time
    cannot both pass the count.
    """
    if member.role != Role.ADMIN:
        return
    admins = session.scalars(select(Member.id).where(
        Member.workspace_id == ws_id, Member.role == Role.ADMIN).with_for_update()).all()
    if len(admins) <= 1:
        raise InvalidState(f"cannot {action} the last admin of the workspace",
                           {"role": Role.ADMIN.value})


def set_role(session: Session, actor: Actor, username: str, role: Role) -> MemberInfo:
    """Change a member's role (admins only); the last admin cannot be demoted."""
    require_admin(actor)
    member, user = _get(session, actor.ws_id, username)
    if role != Role.ADMIN:
        _keep_an_admin(session, actor.ws_id, member, "demote")
    previous, member.role = member.role, role
    session.flush()
    audit.record_for(session, actor, "member.role", username, role=role.value, previous=previous.value)
    return MemberInfo(username=user.username, email=user.email, role=role)


def remove(session: Session, actor: Actor, username: str) -> None:
    """Remove a member with their group memberships, grants and tokens limited to this
    workspace (webhook and job tokens included) (admins only).

    Their own items (`u/<username>/...`) stay, for audit and for admins to take over.
    """
    require_admin(actor)
    member, user = _get(session, actor.ws_id, username)
    _keep_an_admin(session, actor.ws_id, member, "remove")
    groups_here = select(Group.id).where(Group.workspace_id == actor.ws_id)
    session.execute(delete(GroupMember).where(GroupMember.user_id == user.id,
                                              GroupMember.group_id.in_(groups_here)))
    grants.remove_for_principal(session, actor.ws_id, PrincipalKind.USER, user.id)
    revoked = tokens.revoke_workspace_tokens(session, user.id, actor.ws_id)
    session.delete(member)
    session.flush()
    audit.record_for(session, actor, "member.remove", username, role=member.role.value,
                     tokens_revoked=revoked)
