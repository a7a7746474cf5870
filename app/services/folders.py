"""Folders: named owners of `f/<name>/...` items, with grants as their ACL."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Actor, require_admin
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Folder

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def validate_name(name: str, field: str = "name") -> str:
    if not NAME_RE.match(name):
        raise ValidationFailed(f"malformed {field} {name!r}",
                               [{"field": field, "message": "letters, digits, '_' and '-' only, at most 64"}])
    return name


def find(session: Session, ws_id: str, name: str) -> Folder | None:
    return session.scalars(select(Folder).where(Folder.workspace_id == ws_id, Folder.name == name)).first()


def create(session: Session, actor: Actor, name: str, summary: str = "") -> Folder:
    """A new folder (workspace admins only); its ACL starts empty: admins only."""
    require_admin(actor)
    validate_name(name)
    if find(session, actor.ws_id, name) is not None:
        raise Conflict(f"folder {name!r} exists", {"name": name})
    folder = Folder(workspace_id=actor.ws_id, name=name, summary=summary, created_by=actor.name)
    session.add(folder)
    session.flush()
    return folder


def get(session: Session, actor: Actor, name: str) -> Folder:
    folder = find(session, actor.ws_id, name)
    if folder is None:
        raise NotFound(f"folder {name!r} not found", {"name": name})
    return folder


def ensure_for_path(session: Session, actor: Actor, path: str) -> None:
    """An admin writing to `f/<name>/...` creates the folder on the way; others need it to exist."""
    kind, name = path.split("/")[:2]
    if kind == "f" and actor.is_admin and find(session, actor.ws_id, name) is None:
        create(session, actor, name)
