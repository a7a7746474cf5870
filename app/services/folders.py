"""Folders: named owners of `f/<name>/...` items, with grants as their ACL."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Actor, folder_rank, require_admin, require_folder_admin
from app.errors import Conflict, InvalidState, NotFound
from app.models import Flow, Folder, Level, Resource, Schedule, Script, TargetKind, Variable
from app.services import audit, grants
from app.services.grants import GrantEntry
from app.services.paths import validate_name

KIND = TargetKind.FOLDER


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
    audit.record_for(session, actor, "folder.create", name)
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


def visible(session: Session, actor: Actor, name: str) -> Folder:
    """The folder if the actor holds any level on it (admins: always); 404 otherwise."""
    folder = get(session, actor, name)
    if not folder_rank(actor, name):
        raise NotFound(f"folder {name!r} not found", {"name": name})
    return folder


def list_folders(session: Session, actor: Actor) -> list[Folder]:
    """The folders the actor holds any level on (all of them for admins), by name."""
    query = select(Folder).where(Folder.workspace_id == actor.ws_id).order_by(Folder.name)
    return [f for f in session.scalars(query) if folder_rank(actor, f.name)]


LIVE_SHOWN = 5
"""Paths named (per kind) when a folder cannot be deleted: enough to know where to look."""


def _live_items(session: Session, ws_id: str, name: str) -> dict[str, list[str]]:
    """Up to LIVE_SHOWN live paths under `f/<name>/` per kind (scripts, flows, variables,
    resources, schedules); kinds with none are left out."""
    prefix = f"f/{name}/"
    # Archiving marks every version, so any unarchived script or flow row is a live item.
    queries = {
        "scripts": select(Script.path).where(Script.workspace_id == ws_id, Script.archived.is_(False)),
        "flows": select(Flow.path).where(Flow.workspace_id == ws_id, Flow.archived.is_(False)),
        "variables": select(Variable.path).where(Variable.workspace_id == ws_id),
        "resources": select(Resource.path).where(Resource.workspace_id == ws_id),
        "schedules": select(Schedule.path).where(Schedule.workspace_id == ws_id),
    }
    found = {}
    for kind, query in queries.items():
        column = query.selected_columns[0]
        paths = session.scalars(query.where(column.startswith(prefix, autoescape=True))
                                .distinct().order_by(column).limit(LIVE_SHOWN)).all()
        if paths:
            found[kind] = list(paths)
    return found


def delete(session: Session, actor: Actor, name: str) -> None:
    """Delete an empty folder and its ACL (admins only); 409 while anything lives in it
    (scripts, flows, variables, resources, schedules).

    Archived items stay, kept for audit under their old paths.
    """
    require_admin(actor)
    folder = get(session, actor, name)
    live = _live_items(session, actor.ws_id, name)
    if live:
        raise InvalidState(f"folder {name!r} still holds {', '.join(live)}; archive, delete or "
                           "move them first", {"name": name, "items": live})
    grants.remove_for_target(session, actor.ws_id, KIND, name)
    session.delete(folder)
    session.flush()
    audit.record_for(session, actor, "folder.delete", name)


def with_acl(session: Session, actor: Actor, name: str) -> Folder:
    """The folder with `acl`, who holds which level on it (anyone with a level may look)."""
    folder = visible(session, actor, name)
    folder.acl = grants.list_for(session, actor.ws_id, KIND, name)
    return folder


def set_access(session: Session, actor: Actor, name: str, principal: Mapping[str, str | None],
               level: Level) -> list[GrantEntry]:
    """Give a user or group `level` on the folder (its admins only); returns the new ACL."""
    get(session, actor, name)
    require_folder_admin(actor, name)
    who = grants.resolve(session, actor.ws_id, principal)
    grants.set_level(session, actor.ws_id, KIND, name, who, level)
    audit.record_for(session, actor, "folder.grant", name, principal=who.label, level=level.value)
    return grants.list_for(session, actor.ws_id, KIND, name)


def remove_access(session: Session, actor: Actor, name: str,
                  principal: Mapping[str, str | None]) -> list[GrantEntry]:
    """Take a user's or group's grant off the folder (its admins only); returns the new ACL."""
    get(session, actor, name)
    require_folder_admin(actor, name)
    who = grants.resolve(session, actor.ws_id, principal)
    grants.remove(session, actor.ws_id, KIND, name, who)
    audit.record_for(session, actor, "folder.revoke", name, principal=who.label)
    return grants.list_for(session, actor.ws_id, KIND, name)
