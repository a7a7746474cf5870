"""/api/w/<ws>/resources: typed JSON values at paths."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (ResourceCreateSchema, ResourceGetQuerySchema, ResourceListQuerySchema,
                             ResourceSchema, ResourceUpdateSchema)
from app.auth import actor, authenticate_api_request
from app.crypto import secret_box
from app.extensions import runtime
from app.services import resources
from app.services.resolve import Resolver
from app.services.secret_reads import SecretReads
from app.services.resources import ResourceDraft

blp = Blueprint("resources", __name__, url_prefix="/api/w/<ws>/resources",
                description="Resources: JSON values validated by their type")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.arguments(ResourceListQuerySchema, location="query")
@blp.response(200, ResourceSchema(many=True))
def list_resources(query: dict, ws: str):
    """Every resource the caller may read, by path, optionally of one `resource_type`."""
    return resources.list_resources(runtime().db.scoped, actor(ws), **query)


@blp.post("")
@blp.arguments(ResourceCreateSchema)
@blp.response(201, ResourceSchema)
def create_resource(data: dict, ws: str):
    """Create a resource at a new path; its value must fit its type."""
    path = data.pop("path")
    with runtime().db.session() as session:
        return resources.create(session, actor(ws), path, ResourceDraft(**data))


@blp.get("/p/<path:path>")
@blp.arguments(ResourceGetQuerySchema, location="query")
@blp.response(200, ResourceSchema)
def get_resource(query: dict, ws: str, path: str):
    """One resource; with `resolve=true` its `$var:` references are replaced (404 for one the
    caller may not read)."""
    session, caller = runtime().db.scoped, actor(ws)
    resource = resources.get(session, caller, path)
    if query["resolve"]:
        reads = SecretReads(runtime().events.client)  # a job's token: its worker masks them
        value = Resolver(session, caller, secret_box(runtime().settings), reads).resource(path)
        session.expunge(resource)  # a copy for the response, never written back
        resource.value = value
    return resource


@blp.post("/p/<path:path>")
@blp.arguments(ResourceUpdateSchema)
@blp.response(200, ResourceSchema)
def update_resource(data: dict, ws: str, path: str):
    """Change the value, type or description; the result must fit its type."""
    with runtime().db.session() as session:
        return resources.update(session, actor(ws), path, **data)


@blp.delete("/p/<path:path>")
@blp.response(204)
def delete_resource(ws: str, path: str):
    """Delete the resource (jobs referring to it fail to resolve from then on)."""
    with runtime().db.session() as session:
        resources.delete(session, actor(ws), path)
