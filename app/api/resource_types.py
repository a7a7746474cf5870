"""/api/w/<ws>/resource_types: the workspace-wide JSON Schemas that resources are validated by."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import ResourceTypeCreateSchema, ResourceTypeSchema, ResourceTypeUpdateSchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.services import resource_types
from app.services.resource_types import TypeDraft

blp = Blueprint("resource_types", __name__, url_prefix="/api/w/<ws>/resource_types",
                description="Resource types: workspace-wide JSON Schemas")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.response(200, ResourceTypeSchema(many=True))
def list_types(ws: str):
    """Every resource type of the workspace, by name (any member)."""
    return resource_types.list_types(runtime().db.scoped, actor(ws))


@blp.post("")
@blp.arguments(ResourceTypeCreateSchema)
@blp.response(201, ResourceTypeSchema)
def create_type(data: dict, ws: str):
    """Create a type (admins and developers)."""
    name = data.pop("name")
    with runtime().db.session() as session:
        return resource_types.create(session, actor(ws), name, TypeDraft(**data))


@blp.get("/<name>")
@blp.response(200, ResourceTypeSchema)
def get_type(ws: str, name: str):
    """One resource type (any member)."""
    return resource_types.get(runtime().db.scoped, actor(ws), name)


@blp.post("/<name>")
@blp.arguments(ResourceTypeUpdateSchema)
@blp.response(200, ResourceTypeSchema)
def update_type(data: dict, ws: str, name: str):
    """Change the schema or description (admins and developers)."""
    with runtime().db.session() as session:
        return resource_types.update(session, actor(ws), name, **data)


@blp.delete("/<name>")
@blp.response(204)
def delete_type(ws: str, name: str):
    """Delete a type that no resource uses (admins and developers)."""
    with runtime().db.session() as session:
        resource_types.delete(session, actor(ws), name)
