"""Users, workspaces and membership, plus the first-run bootstrap."""
from __future__ import annotations

import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.models import Member, Role, User, Workspace


def create_workspace(session: Session, ws_id: str, name: str) -> Workspace:
    if session.get(Workspace, ws_id) is not None:
        raise Conflict(f"workspace {ws_id!r} exists", {"id": ws_id})
    workspace = Workspace(id=ws_id, name=name)
    session.add(workspace)
    session.flush()
    return workspace


def create_user(session: Session, username: str, email: str, password: str, *,
                superadmin: bool = False) -> User:
    taken = session.scalars(select(User).where(
        or_(User.username == username, User.email == email))).first()
    if taken is not None:
        raise Conflict("username or email already taken", {"username": username})
    user = User(username=username, email=email, is_superadmin=superadmin)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def add_member(session: Session, ws_id: str, user: User, role: Role) -> Member:
    member = Member(workspace_id=ws_id, user_id=user.id, role=role)
    session.add(member)
    session.flush()
    return member


def find_login(session: Session, login: str, password: str) -> User | None:
    """The user whose username or email is `login` and whose password matches."""
    user = session.scalars(select(User).where(
        or_(User.username == login, User.email == login))).first()
    return user if user is not None and user.check_password(password) else None


def workspace_for(session: Session, ws_id: str, user: User) -> Workspace:
    """The workspace if `user` may enter it; 404 otherwise, so existence does not leak."""
    workspace = session.get(Workspace, ws_id)
    if workspace is not None and (user.is_superadmin or _member(session, ws_id, user)):
        return workspace
    raise NotFound(f"workspace {ws_id!r} not found", {"workspace": ws_id})


def _member(session: Session, ws_id: str, user: User) -> Member | None:
    return session.scalars(select(Member).where(
        Member.workspace_id == ws_id, Member.user_id == user.id)).first()


def workspaces_of(session: Session, user: User) -> list[Workspace]:
    query = select(Workspace).order_by(Workspace.id)
    if not user.is_superadmin:
        query = query.join(Member, Member.workspace_id == Workspace.id).where(Member.user_id == user.id)
    return list(session.scalars(query))


def bootstrap(session: Session, ws_id: str, username: str, email: str,
              password: str = "") -> str | None:
    """Create the default workspace and first admin if there is no user yet.

    Returns the admin's password when an account was created (generated if not given),
    None when the instance was already set up.
    """
    if session.scalars(select(User).limit(1)).first() is not None:
        return None
    if session.get(Workspace, ws_id) is None:
        create_workspace(session, ws_id, ws_id.capitalize())
    password = password or secrets.token_urlsafe(12)
    admin = create_user(session, username, email, password, superadmin=True)
    add_member(session, ws_id, admin, Role.ADMIN)
    return password


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    return user
