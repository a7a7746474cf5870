"""/api/w/<ws>/scripts: create, version, read, list and archive scripts."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (ScriptCreateSchema, ScriptListQuerySchema, ScriptSchema,
                             ScriptUpdateSchema)
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.services import scripts
from app.services.scripts import ScriptDraft

blp = Blueprint("scripts", __name__, url_prefix="/api/w/<ws>/scripts",
                description="Scripts, versioned by content hash")
blp.before_request(authenticate_api_request)


def _draft(data: dict) -> ScriptDraft:
    return ScriptDraft(**{k: v for k, v in data.items() if k not in ("path", "parent_hash")})


@blp.get("")
@blp.arguments(ScriptListQuerySchema, location="query")
@blp.response(200, ScriptSchema(many=True))
def list_scripts(query: dict, ws: str):
    """Latest version of every script, ordered by path."""
    return scripts.list_latest(runtime().db.scoped, actor(ws), **query)


@blp.post("")
@blp.arguments(ScriptCreateSchema)
@blp.response(201, ScriptSchema)
def create_script(data: dict, ws: str):
    """Create a script at a new path; its parameters are parsed into `schema`."""
    with runtime().db.session() as session:
        return scripts.create(session, actor(ws), data["path"], _draft(data))


@blp.get("/p/<path:path>")
@blp.response(200, ScriptSchema)
def get_script(ws: str, path: str):
    """The latest version at `path`."""
    return scripts.latest(runtime().db.scoped, actor(ws), path)


@blp.post("/p/<path:path>")
@blp.arguments(ScriptUpdateSchema)
@blp.response(200, ScriptSchema)
def update_script(data: dict, ws: str, path: str):
    """Save a new version (unchanged content returns the current version)."""
    with runtime().db.session() as session:
        return scripts.update(session, actor(ws), path, _draft(data), parent_hash=data["parent_hash"])


@blp.get("/h/<script_hash>")
@blp.response(200, ScriptSchema)
def get_script_by_hash(ws: str, script_hash: str):
    """One exact version."""
    return scripts.by_hash(runtime().db.scoped, actor(ws), script_hash)


@blp.get("/versions/p/<path:path>")
@blp.response(200, ScriptSchema(many=True))
def list_versions(ws: str, path: str):
    """Every version at `path`, newest first."""
    return scripts.versions(runtime().db.scoped, actor(ws), path)


@blp.post("/archive/p/<path:path>")
@blp.response(200, ScriptSchema)
def archive_script(ws: str, path: str):
    """Hide the script from lists and runs; its versions and jobs are kept."""
    with runtime().db.session() as session:
        return scripts.archive(session, actor(ws), path)
