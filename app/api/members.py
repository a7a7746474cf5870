"""/api/w/<ws>/members: who belongs to a workspace, their roles, and removing them."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import MemberSchema, RoleUpdateSchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.models import Role
from app.services import members

blp = Blueprint("members", __name__, url_prefix="/api/w/<ws>/members",
                description="Workspace members and their roles")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.response(200, MemberSchema(many=True))
def list_members(ws: str):
    """Every member with their role (any member may list them)."""
    return members.list_members(runtime().db.scoped, actor(ws))


@blp.patch("/<username>")
@blp.arguments(RoleUpdateSchema)
@blp.response(200, MemberSchema)
def set_role(data: dict, ws: str, username: str):
    """Change a member's role (admins); the last admin cannot be demoted (409)."""
    with runtime().db.session() as session:
        return members.set_role(session, actor(ws), username, Role(data["role"]))


@blp.delete("/<username>")
@blp.response(204)
def remove_member(ws: str, username: str):
    """Remove a member, their group memberships and their grants here (admins)."""
    with runtime().db.session() as session:
        members.remove(session, actor(ws), username)
