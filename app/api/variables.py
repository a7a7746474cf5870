"""/api/w/<ws>/variables: variables and secrets at paths."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (PathPrefixQuerySchema, VariableCreateSchema, VariableSchema,
                             VariableUpdateSchema)
from app.auth import actor, authenticate_api_request
from app.crypto import secret_box
from app.extensions import runtime
from app.services import variables
from app.services.secret_reads import SecretReads
from app.services.variables import VariableDraft

blp = Blueprint("variables", __name__, url_prefix="/api/w/<ws>/variables",
                description="Variables and secrets (encrypted at rest)")
blp.before_request(authenticate_api_request)


def _box():
    return secret_box(runtime().settings)


@blp.get("")
@blp.arguments(PathPrefixQuerySchema, location="query")
@blp.response(200, VariableSchema(many=True))
def list_variables(query: dict, ws: str):
    """Every variable the caller may read, by path; secrets' values are null."""
    return variables.list_variables(runtime().db.scoped, actor(ws), **query)


@blp.post("")
@blp.arguments(VariableCreateSchema)
@blp.response(201, VariableSchema)
def create_variable(data: dict, ws: str):
    """Create a variable at a new path (`is_secret` encrypts it)."""
    path = data.pop("path")
    with runtime().db.session() as session:
        return variables.create(session, actor(ws), _box(), path, VariableDraft(**data))


@blp.get("/p/<path:path>")
@blp.response(200, VariableSchema)
def get_variable(ws: str, path: str):
    """One variable; a secret's value only for callers who may read it (and that read is
    audited; read by a job, it is masked in that job's logs and result from then on)."""
    with runtime().db.session() as session:
        return variables.read(session, actor(ws), _box(), path, SecretReads(runtime().events.client))


@blp.post("/p/<path:path>")
@blp.arguments(VariableUpdateSchema)
@blp.response(200, VariableSchema)
def update_variable(data: dict, ws: str, path: str):
    """Change the value, secrecy or description."""
    with runtime().db.session() as session:
        return variables.update(session, actor(ws), _box(), path, **data)


@blp.delete("/p/<path:path>")
@blp.response(204)
def delete_variable(ws: str, path: str):
    """Delete the variable (jobs referring to it fail to resolve from then on)."""
    with runtime().db.session() as session:
        variables.delete(session, actor(ws), path)
