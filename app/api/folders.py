"""/api/w/<ws>/folders: folders and their ACLs (who may read, write or administer `f/<name>/...`)."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (FolderCreateSchema, FolderDetailSchema, FolderSchema, GrantSchema,
                             GrantSetSchema, PrincipalSchema)
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.models import Level
from app.services import folders

blp = Blueprint("folders", __name__, url_prefix="/api/w/<ws>/folders",
                description="Folders and their access control lists")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.response(200, FolderSchema(many=True))
def list_folders(ws: str):
    """The folders the caller holds any level on (admins: all)."""
    return folders.list_folders(runtime().db.scoped, actor(ws))


@blp.post("")
@blp.arguments(FolderCreateSchema)
@blp.response(201, FolderSchema)
def create_folder(data: dict, ws: str):
    """Create a folder (admins); its ACL starts empty. 409 if the name is taken."""
    with runtime().db.session() as session:
        return folders.create(session, actor(ws), data["name"], data["summary"])


@blp.get("/<name>")
@blp.response(200, FolderDetailSchema)
def get_folder(ws: str, name: str):
    """A folder with its ACL (anyone with a level on it)."""
    return folders.with_acl(runtime().db.scoped, actor(ws), name)


@blp.delete("/<name>")
@blp.response(204)
def delete_folder(ws: str, name: str):
    """Delete a folder and its ACL (admins); 409 while unarchived items live in it."""
    with runtime().db.session() as session:
        folders.delete(session, actor(ws), name)


@blp.put("/<name>/acl")
@blp.arguments(GrantSetSchema)
@blp.response(200, GrantSchema(many=True))
def set_folder_access(data: dict, ws: str, name: str):
    """Give a user or group a level on the folder, replacing any they held (folder admins).

    Returns the folder's whole ACL.
    """
    with runtime().db.session() as session:
        return folders.set_access(session, actor(ws), name, data["principal"], Level(data["level"]))


@blp.delete("/<name>/acl")
@blp.arguments(PrincipalSchema, location="query")
@blp.response(204)
def remove_folder_access(query: dict, ws: str, name: str):
    """Take a grant off the folder (folder admins): `?user=<username>` or `?group=<name>`."""
    with runtime().db.session() as session:
        folders.remove_access(session, actor(ws), name, query)
