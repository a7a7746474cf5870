"""Group pages: the list (admins create groups) and one group (admins manage its members)."""
from __future__ import annotations

from functools import partial

from flask import render_template, request, url_for

from app.extensions import runtime
from app.services import groups as group_service, members as member_service
from webui.blueprint import actor_or_404, bp
from webui.forms import submit


@bp.get("/w/<ws>/groups")
def groups(ws: str):
    """Every group with its members."""
    actor = actor_or_404(ws)
    items = group_service.list_groups(runtime().db.scoped, actor)
    return render_template("admin/groups.html", ws=actor.workspace, groups=items, is_admin=actor.is_admin)


@bp.post("/w/<ws>/groups")
def create_group(ws: str):
    """Create a group (admins), then open it to add members."""
    actor = actor_or_404(ws)
    name = request.form.get("name", "").strip()
    return submit(url_for("webui.groups", ws=ws), f"Created group {name}.", group_service.create,
                  actor, name, request.form.get("summary", "").strip(),
                  then=url_for("webui.group", ws=ws, name=name))


@bp.get("/w/<ws>/groups/<name>")
def group(ws: str, name: str):
    """One group: its members, and for admins the forms to change it."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    item = group_service.get(session, actor, name)
    everyone = member_service.list_members(session, actor)
    others = [m.username for m in everyone if m.username not in item.members]
    return render_template("admin/group.html", ws=actor.workspace, group=item, candidates=others,
                           is_admin=actor.is_admin)


@bp.post("/w/<ws>/groups/<name>/edit")
def edit_group(ws: str, name: str):
    """Rename the group or change its summary (admins)."""
    actor = actor_or_404(ws)
    new_name = request.form.get("name", "").strip() or name
    update = partial(group_service.update, new_name=new_name, summary=request.form.get("summary", "").strip())
    return submit(url_for("webui.group", ws=ws, name=name), "Saved the group.", update, actor, name,
                  then=url_for("webui.group", ws=ws, name=new_name))


@bp.post("/w/<ws>/groups/<name>/delete")
def delete_group(ws: str, name: str):
    """Delete the group and every grant it held (admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.group", ws=ws, name=name), f"Deleted group {name}.",
                  group_service.delete, actor, name, then=url_for("webui.groups", ws=ws))


@bp.post("/w/<ws>/groups/<name>/members")
def add_group_member(ws: str, name: str):
    """Put a workspace member in the group (admins)."""
    actor = actor_or_404(ws)
    username = request.form.get("username", "").strip()
    return submit(url_for("webui.group", ws=ws, name=name), f"Added {username} to {name}.",
                  group_service.add_member, actor, name, username)


@bp.post("/w/<ws>/groups/<name>/members/<username>/remove")
def remove_group_member(ws: str, name: str, username: str):
    """Take a user out of the group (admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.group", ws=ws, name=name), f"Removed {username} from {name}.",
                  group_service.remove_member, actor, name, username)
