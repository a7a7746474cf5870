"""Members page: everyone sees who is in the workspace; admins change roles and remove people."""
from __future__ import annotations

from flask import render_template, url_for

from app.extensions import runtime
from app.models import Role
from app.services import members as member_service
from webui.blueprint import actor_or_404, bp
from webui.forms import choice, submit

ROLES = [role.value for role in Role]


@bp.get("/w/<ws>/members")
def members(ws: str):
    """Every member with their role."""
    actor = actor_or_404(ws)
    items = member_service.list_members(runtime().db.scoped, actor)
    return render_template("admin/members.html", ws=actor.workspace, members=items, roles=ROLES,
                           is_admin=actor.is_admin)


@bp.post("/w/<ws>/members/<username>/role")
def set_member_role(ws: str, username: str):
    """Change a member's role (admins)."""
    actor = actor_or_404(ws)
    role = choice(Role, "role")
    return submit(url_for("webui.members", ws=ws), f"{username} is now {role.value}.",
                  member_service.set_role, actor, username, role)


@bp.post("/w/<ws>/members/<username>/remove")
def remove_member(ws: str, username: str):
    """Remove a member with their group memberships and grants here (admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.members", ws=ws), f"Removed {username} from the workspace.",
                  member_service.remove, actor, username)
