"""Resource types: workspace-wide JSON Schemas that resources are validated against.

Any member may read them; admins and developers may create, change and delete them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.authz import Actor, require_create
from app.errors import Conflict, Forbidden, InvalidState, NotFound, ValidationFailed
from app.models import Resource, ResourceType, TargetKind, utcnow
from app.services import audit
from app.services.paths import validate_name
from app.services.references import VAR_PREFIX


@dataclass
class TypeDraft:
    """The fields of a resource type."""

    schema: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def require_editor(actor: Actor) -> None:
    """Types are workspace-wide, so whoever may create items of their own may edit them.

    Asked through app.authz (creating in one's own space) so roles and token scopes apply
    the same way as everywhere: operators and read-only tokens are refused.
    """
    try:
        require_create(actor, TargetKind.RESOURCE, f"u/{actor.name}/resource")
    except Forbidden:
        raise Forbidden("only admins and developers may change resource types",
                        {"role": actor.role.value}) from None


def can_edit(actor: Actor) -> bool:
    """Whether require_editor would let the actor through (pages hide what it would refuse)."""
    try:
        require_editor(actor)
    except Forbidden:
        return False
    return True


def check_schema(schema: Any) -> dict[str, Any]:
    """Return `schema` if it is a valid JSON Schema (Draft 2020-12) object, else raise 400."""
    if not isinstance(schema, dict):
        raise ValidationFailed("schema must be a JSON object",
                               [{"field": "schema", "message": "expected a JSON Schema object"}])
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = "/".join(str(p) for p in error.absolute_path)
        raise ValidationFailed("schema is not a valid JSON Schema",
                               [{"field": f"schema/{where}".rstrip("/"), "message": error.message}]) from None
    return schema


def _waived(error: ValidationError, allow_var: bool) -> bool:
    # A `$var:` string stands where the schema wants a string; its resolved value is checked
    # at run time. A type error means the schema wants something else there: still an error.
    instance = error.instance
    is_var = isinstance(instance, str) and instance.startswith(VAR_PREFIX)
    return allow_var and is_var and error.validator != "type"


def validate_value(schema: dict[str, Any], value: Any, *, allow_var: bool = True) -> None:
    """Raise ValidationFailed listing every field of `value` that does not fit `schema`."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    details = [{"field": "/".join(["value", *(str(p) for p in error.absolute_path)]),
                "message": error.message}
               for error in validator.iter_errors(value) if not _waived(error, allow_var)]
    if details:
        names = ", ".join(sorted({d["field"] for d in details}))
        raise ValidationFailed(f"the value does not match its resource type: {names}", details)


def find(session: Session, ws_id: str, name: str) -> ResourceType | None:
    return session.scalars(select(ResourceType).where(
        ResourceType.workspace_id == ws_id, ResourceType.name == name)).first()


def get(session: Session, actor: Actor, name: str) -> ResourceType:
    item = find(session, actor.ws_id, name)
    if item is None:
        raise NotFound(f"resource type {name!r} not found", {"name": name})
    return item


def list_types(session: Session, actor: Actor) -> list[ResourceType]:
    query = select(ResourceType).where(ResourceType.workspace_id == actor.ws_id)
    return list(session.scalars(query.order_by(ResourceType.name)))


def create(session: Session, actor: Actor, name: str, draft: TypeDraft) -> ResourceType:
    """A new type; 409 if the name is taken."""
    require_editor(actor)
    validate_name(name)
    check_schema(draft.schema)
    if find(session, actor.ws_id, name) is not None:
        raise Conflict(f"resource type {name!r} exists", {"name": name})
    item = ResourceType(workspace_id=actor.ws_id, name=name, schema=draft.schema,
                        description=draft.description, created_by=actor.name)
    session.add(item)
    session.flush()
    audit.record_for(session, actor, "resource_type.create", name)
    return item


def update(session: Session, actor: Actor, name: str, *, schema: dict[str, Any] | None = None,
           description: str | None = None) -> ResourceType:
    """Change the schema or description; resources saved earlier are checked again at run time."""
    require_editor(actor)
    item = get(session, actor, name)
    if schema is not None:
        item.schema = check_schema(schema)
    if description is not None:
        item.description = description
    item.updated_at = utcnow()
    session.flush()
    audit.record_for(session, actor, "resource_type.update", name)
    return item


def delete(session: Session, actor: Actor, name: str) -> None:
    """Delete a type no resource uses; 409 while some do."""
    require_editor(actor)
    item = get(session, actor, name)
    used = session.scalar(select(func.count()).select_from(Resource).where(
        Resource.workspace_id == actor.ws_id, Resource.resource_type == name)) or 0
    if used:
        raise InvalidState(f"resource type {name!r} is used by {used} resource(s)",
                           {"name": name, "resources": used})
    session.delete(item)
    session.flush()
    audit.record_for(session, actor, "resource_type.delete", name)
