"""/api/w/<ws>/groups: groups of members, which folder ACLs and shares can name."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import GroupCreateSchema, GroupMemberAddSchema, GroupSchema, GroupUpdateSchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.services import groups

blp = Blueprint("groups", __name__, url_prefix="/api/w/<ws>/groups",
                description="Groups of workspace members")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.response(200, GroupSchema(many=True))
def list_groups(ws: str):
    """Every group with its members' usernames (any member may list them)."""
    return groups.list_groups(runtime().db.scoped, actor(ws))


@blp.post("")
@blp.arguments(GroupCreateSchema)
@blp.response(201, GroupSchema)
def create_group(data: dict, ws: str):
    """Create an empty group (admins); 409 if the name is taken."""
    with runtime().db.session() as session:
        return groups.create(session, actor(ws), data["name"], data["summary"])


@blp.get("/<name>")
@blp.response(200, GroupSchema)
def get_group(ws: str, name: str):
    """One group with its members."""
    return groups.get(runtime().db.scoped, actor(ws), name)


@blp.patch("/<name>")
@blp.arguments(GroupUpdateSchema)
@blp.response(200, GroupSchema)
def update_group(data: dict, ws: str, name: str):
    """Rename a group or change its summary (admins); its grants follow it."""
    with runtime().db.session() as session:
        return groups.update(session, actor(ws), name, new_name=data["name"], summary=data["summary"])


@blp.delete("/<name>")
@blp.response(204)
def delete_group(ws: str, name: str):
    """Delete a group and every grant it held (admins)."""
    with runtime().db.session() as session:
        groups.delete(session, actor(ws), name)


@blp.post("/<name>/members")
@blp.arguments(GroupMemberAddSchema)
@blp.response(201, GroupSchema)
def add_group_member(data: dict, ws: str, name: str):
    """Put a workspace member in the group (admins); returns the group."""
    with runtime().db.session() as session:
        return groups.add_member(session, actor(ws), name, data["username"])


@blp.delete("/<name>/members/<username>")
@blp.response(204)
def remove_group_member(ws: str, name: str, username: str):
    """Take a user out of the group (admins)."""
    with runtime().db.session() as session:
        groups.remove_member(session, actor(ws), name, username)
