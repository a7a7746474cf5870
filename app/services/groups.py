"""Groups: named sets of workspace members, so folder ACLs and shares can name many at once."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Actor, require_admin
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Group, GroupMember, PrincipalKind, User
from app.services import accounts, audit, grants
from app.services.paths import validate_name


def _member_names(session: Session, group_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {gid: [] for gid in group_ids}
    rows = session.execute(select(GroupMember.group_id, User.username)
                           .join(User, User.id == GroupMember.user_id)
                           .where(GroupMember.group_id.in_(group_ids)).order_by(User.username))
    for group_id, username in rows:
        names[group_id].append(username)
    return names


def _present(session: Session, groups: list[Group]) -> list[Group]:
    """Attach `members` (usernames) to each group for serializers."""
    names = _member_names(session, [g.id for g in groups])
    for group in groups:
        group.members = names[group.id]
    return groups


def _find(session: Session, ws_id: str, name: str) -> Group | None:
    return session.scalars(select(Group).where(Group.workspace_id == ws_id, Group.name == name)).first()


def _existing(session: Session, ws_id: str, name: str) -> Group:
    group = _find(session, ws_id, name)
    if group is None:
        raise NotFound(f"group {name!r} not found", {"name": name})
    return group


def list_groups(session: Session, actor: Actor) -> list[Group]:
    """Every group of the workspace with its members (any member may list them, for pickers)."""
    query = select(Group).where(Group.workspace_id == actor.ws_id).order_by(Group.name)
    return _present(session, list(session.scalars(query)))


def get(session: Session, actor: Actor, name: str) -> Group:
    return _present(session, [_existing(session, actor.ws_id, name)])[0]


def _unused_name(session: Session, ws_id: str, name: str) -> str:
    validate_name(name)
    if _find(session, ws_id, name) is not None:
        raise Conflict(f"group {name!r} exists", {"name": name})
    return name


def create(session: Session, actor: Actor, name: str, summary: str = "") -> Group:
    """A new, empty group (admins only)."""
    require_admin(actor)
    group = Group(workspace_id=actor.ws_id, name=_unused_name(session, actor.ws_id, name), summary=summary)
    session.add(group)
    session.flush()
    audit.record_for(session, actor, "group.create", name)
    return get(session, actor, name)


def update(session: Session, actor: Actor, name: str, *, new_name: str | None = None,
           summary: str | None = None) -> Group:
    """Rename a group or change its summary (admins only); grants follow it, they hold its id."""
    require_admin(actor)
    group = _existing(session, actor.ws_id, name)
    if new_name is not None and new_name != group.name:
        group.name = _unused_name(session, actor.ws_id, new_name)
    if summary is not None:
        group.summary = summary
    session.flush()
    audit.record_for(session, actor, "group.update", group.name, previous_name=name)
    return get(session, actor, group.name)


def delete(session: Session, actor: Actor, name: str) -> None:
    """Delete a group, its memberships and every grant it held (admins only)."""
    require_admin(actor)
    group = _existing(session, actor.ws_id, name)
    grants.remove_for_principal(session, actor.ws_id, PrincipalKind.GROUP, group.id)
    session.delete(group)  # memberships go with it (ON DELETE CASCADE)
    session.flush()
    audit.record_for(session, actor, "group.delete", name)


def _workspace_user(session: Session, ws_id: str, username: str) -> User:
    user = accounts.member_user(session, ws_id, username)
    if user is None:
        raise ValidationFailed(f"no member {username!r} in this workspace",
                               [{"field": "username", "message": "not a member of this workspace"}])
    return user


def _membership(session: Session, group: Group, user: User) -> GroupMember | None:
    return session.scalars(select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.user_id == user.id)).first()


def add_member(session: Session, actor: Actor, name: str, username: str) -> Group:
    """Put a workspace member in the group (admins only); 409 if already in it."""
    require_admin(actor)
    group = _existing(session, actor.ws_id, name)
    user = _workspace_user(session, actor.ws_id, username)
    if _membership(session, group, user) is not None:
        raise Conflict(f"{username!r} is already in group {name!r}", {"username": username})
    session.add(GroupMember(group_id=group.id, user_id=user.id))
    session.flush()
    audit.record_for(session, actor, "group.member_add", name, username=username)
    return get(session, actor, name)


def remove_member(session: Session, actor: Actor, name: str, username: str) -> Group:
    """Take a user out of the group (admins only); 404 if they are not in it."""
    require_admin(actor)
    group = _existing(session, actor.ws_id, name)
    user = session.scalars(select(User).where(User.username == username)).first()
    membership = _membership(session, group, user) if user is not None else None
    if membership is None:
        raise NotFound(f"{username!r} is not in group {name!r}", {"username": username})
    session.delete(membership)
    session.flush()
    audit.record_for(session, actor, "group.member_remove", name, username=username)
    return get(session, actor, name)
