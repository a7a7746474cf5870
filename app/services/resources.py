"""Resources: typed JSON values at paths, checked by app.authz exactly like scripts.

A value is validated against its type's schema on every save. String fields may hold
`$var:<path>` instead of a literal (a password kept in a secret, say): at save such a string
is accepted wherever the schema wants a string, and the resolved value is validated when the
resource is resolved (app.services.resolve).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, require, require_create
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Resource, ResourceType, TargetKind, utcnow
from app.services import audit, folders, grants, resource_types
from app.services.paths import validate_path

KIND = TargetKind.RESOURCE


@dataclass
class ResourceDraft:
    """The fields of a new resource."""

    resource_type: str
    value: Any
    description: str = ""


def type_of(session: Session, ws_id: str, name: str) -> ResourceType:
    """The type called `name`; an unknown type is a 400 on the `resource_type` field."""
    item = resource_types.find(session, ws_id, name)
    if item is None:
        raise ValidationFailed(f"unknown resource type {name!r}",
                               [{"field": "resource_type", "message": f"no resource type {name!r}"}])
    return item


def _find(session: Session, ws_id: str, path: str) -> Resource | None:
    return session.scalars(select(Resource).where(
        Resource.workspace_id == ws_id, Resource.path == path)).first()


def get(session: Session, actor: Actor, path: str, action: Action = Action.READ) -> Resource:
    """The resource at `path` if the actor may do `action` with it (404 / 403 otherwise)."""
    require(actor, action, KIND, path)
    resource = _find(session, actor.ws_id, path)
    if resource is None:
        raise NotFound(f"resource {path!r} not found", {"path": path})
    return resource


def create(session: Session, actor: Actor, path: str, draft: ResourceDraft) -> Resource:
    """A new resource at `path`, valid for its type; 409 if the path is taken."""
    validate_path(path)
    require_create(actor, KIND, path)
    kind = type_of(session, actor.ws_id, draft.resource_type)
    resource_types.validate_value(kind.schema, draft.value)
    if _find(session, actor.ws_id, path) is not None:
        raise Conflict(f"a resource already exists at {path!r}", {"path": path})
    folders.ensure_for_path(session, actor, path)
    resource = Resource(workspace_id=actor.ws_id, path=path, resource_type=kind.name,
                        value=draft.value, description=draft.description,
                        created_by=actor.name, updated_by=actor.name)
    session.add(resource)
    session.flush()
    audit.record_for(session, actor, "resource.create", path)
    return resource


def update(session: Session, actor: Actor, path: str, *, value: Any = None,
           resource_type: str | None = None, description: str | None = None) -> Resource:
    """Change what is given (`value=None` keeps it); the result must fit its (new) type."""
    resource = get(session, actor, path, Action.WRITE)
    kind = type_of(session, actor.ws_id, resource_type or resource.resource_type)
    new_value = resource.value if value is None else value
    resource_types.validate_value(kind.schema, new_value)
    resource.resource_type, resource.value = kind.name, new_value
    if description is not None:
        resource.description = description
    resource.updated_by, resource.updated_at = actor.name, utcnow()
    session.flush()
    audit.record_for(session, actor, "resource.update", path)
    return resource


def delete(session: Session, actor: Actor, path: str) -> None:
    """Delete the resource and its shares."""
    resource = get(session, actor, path, Action.WRITE)
    grants.remove_for_target(session, actor.ws_id, KIND, path)
    session.delete(resource)
    session.flush()
    audit.record_for(session, actor, "resource.delete", path)


def list_resources(session: Session, actor: Actor, *, path_prefix: str = "",
                   resource_type: str = "") -> list[Resource]:
    """Every resource the actor may read, by path, optionally of one type."""
    query = select(Resource).where(Resource.workspace_id == actor.ws_id)
    if path_prefix:
        query = query.where(Resource.path.startswith(path_prefix, autoescape=True))
    if resource_type:
        query = query.where(Resource.resource_type == resource_type)
    rows = session.scalars(query.order_by(Resource.path))
    return [r for r in rows if can(actor, Action.READ, KIND, r.path)]
