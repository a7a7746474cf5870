"""Users, workspaces and membership, plus the first-run bootstrap."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.models import Member, Role, User, Workspace
from app.services import audit

USERNAME_RE = re.compile(r"^[a-z0-9_-]{2,32}$")
"""Usernames appear in paths (`u/<username>/...`), so they stay short and URL-safe."""
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
PASSWORD_MIN_LENGTH = 10
WORKSPACE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
"""Workspace ids appear in every URL (`/w/<id>/...`)."""


def create_workspace(session: Session, ws_id: str, name: str) -> Workspace:
    if session.get(Workspace, ws_id) is not None:
        raise Conflict(f"workspace {ws_id!r} exists", {"id": ws_id})
    workspace = Workspace(id=ws_id, name=name)
    session.add(workspace)
    session.flush()
    return workspace


def check_new_account(username: str, email: str, password: str) -> None:
    """Raise ValidationFailed listing every field of a self-service sign-up that is not acceptable."""
    problems = []
    if not USERNAME_RE.match(username):
        problems.append({"field": "username", "message": "2 to 32 of a-z, 0-9, '_' and '-'"})
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append({"field": "email", "message": "not an email address"})
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append({"field": "password", "message": f"at least {PASSWORD_MIN_LENGTH} characters"})
    if problems:
        raise ValidationFailed("invalid " + ", ".join(p["field"] for p in problems), problems)


def create_workspace_for(session: Session, creator: User, ws_id: str, name: str) -> Workspace:
    """A new workspace made by a superadmin, who becomes its first admin member."""
    if not creator.is_superadmin:
        raise Forbidden("only superadmins may create workspaces")
    if not WORKSPACE_ID_RE.match(ws_id):
        raise ValidationFailed(f"malformed workspace id {ws_id!r}", [
            {"field": "id", "message": "2 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit"}])
    workspace = create_workspace(session, ws_id, name or ws_id)
    add_member(session, ws_id, creator, Role.ADMIN)
    audit.record(session, creator.username, "workspace.create", ws_id, workspace_id=ws_id)
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


def is_member(session: Session, ws_id: str, user: User) -> bool:
    """Whether `user` has a member row in the workspace (a superadmin may enter without one)."""
    return _member(session, ws_id, user) is not None


def member_user(session: Session, ws_id: str, username: str) -> User | None:
    """The user called `username` if they are a member of the workspace."""
    return session.scalars(select(User).join(Member, Member.user_id == User.id).where(
        Member.workspace_id == ws_id, User.username == username)).first()


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
