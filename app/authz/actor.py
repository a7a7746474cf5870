"""The Actor: a user acting in one workspace, with everything needed to decide access.

Built once per request (or per job, for worker-side checks): the role, and the grants that
name the user or one of the user's groups. Decisions are then pure
functions of the Actor, with no further queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import (ApiToken, Grant, GroupMember, Group, Member, PrincipalKind, Role, TargetKind,
                        User, Workspace)


@dataclass(frozen=True)
class Actor:
    user: User
    workspace: Workspace
    role: Role
    grants: tuple[Grant, ...] = ()
    token: ApiToken | None = None

    @property
    def ws_id(self) -> str:
        return self.workspace.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def grants_on(self, kind: TargetKind, target: str) -> list[Grant]:
        return [g for g in self.grants if g.target_kind == kind and g.target == target]


@cache
def _actor_query() -> Select:
    """Built once: building this statement and its cache key costs twice its execution."""
    groups = (select(GroupMember.group_id).join(Group, Group.id == GroupMember.group_id)
              .where(Group.workspace_id == bindparam("ws_id"), GroupMember.user_id == bindparam("user_id")))
    theirs = and_(Grant.workspace_id == Workspace.id, or_(
        and_(Grant.principal_kind == PrincipalKind.USER, Grant.principal_id == bindparam("user_id")),
        and_(Grant.principal_kind == PrincipalKind.GROUP, Grant.principal_id.in_(groups))))
    mine = and_(Member.workspace_id == Workspace.id, Member.user_id == bindparam("user_id"))
    return (select(Workspace, Member.role, Grant).outerjoin(Member, mine).outerjoin(Grant, theirs)
            .where(Workspace.id == bindparam("ws_id")))


def load_actor(session: Session, ws_id: str, user: User, token: ApiToken | None = None) -> Actor:
    """The user as an Actor in `ws_id`; 404 when the workspace is unknown or closed to them.

    A token limited to another workspace sees this one as nonexistent too. One query: the
    workspace, the user's role in it and the grants naming the user or one of their groups
    there (a row per grant).
    """
    rows = session.execute(_actor_query(), {"ws_id": ws_id, "user_id": user.id}).all()
    workspace, role = (rows[0][0], rows[0][1]) if rows else (None, None)
    if workspace is not None and user.is_superadmin:
        role = Role.ADMIN
    if role is None or (token is not None and token.workspace_id not in (None, ws_id)):
        raise NotFound(f"workspace {ws_id!r} not found", {"workspace": ws_id})
    grants = tuple(grant for _, _, grant in rows if grant is not None)
    return Actor(user=user, workspace=workspace, role=role, grants=grants, token=token)
