"""Folder pages: the folders one may use, and one folder with its items and its ACL editor."""
from __future__ import annotations

from flask import render_template, request, url_for

from app.authz import folder_rank
from app.extensions import runtime
from app.models import Level
from app.services import folders as folder_service, scripts as script_service
from webui.blueprint import actor_or_404, bp
from webui.forms import choice, principal, principal_choices, submit

LEVELS = [level.value for level in Level]


@bp.get("/w/<ws>/folders")
def folders(ws: str):
    """The folders the user holds a level on (admins: all), and for admins the create form."""
    actor = actor_or_404(ws)
    items = folder_service.list_folders(runtime().db.scoped, actor)
    return render_template("admin/folders.html", ws=actor.workspace, folders=items, is_admin=actor.is_admin)


@bp.post("/w/<ws>/folders")
def create_folder(ws: str):
    """Create a folder (admins), then open it to set its ACL."""
    actor = actor_or_404(ws)
    name = request.form.get("name", "").strip()
    return submit(url_for("webui.folders", ws=ws), f"Created folder {name}.", folder_service.create,
                  actor, name, request.form.get("summary", "").strip(),
                  then=url_for("webui.folder", ws=ws, name=name))


@bp.get("/w/<ws>/folders/<name>")
def folder(ws: str, name: str):
    """A folder's items and ACL; its admins also get the forms to change the ACL."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    item = folder_service.with_acl(session, actor, name)
    return render_template("admin/folder.html", ws=actor.workspace, folder=item, levels=LEVELS,
                           scripts=script_service.list_latest(session, actor, path_prefix=f"f/{name}/"),
                           can_manage=folder_rank(actor, name) >= Level.ADMIN.rank,
                           is_admin=actor.is_admin, choices=principal_choices(session, actor))


@bp.post("/w/<ws>/folders/<name>/acl")
def set_folder_access(ws: str, name: str):
    """Give a user or group a level on the folder (folder admins)."""
    actor = actor_or_404(ws)
    level = choice(Level, "level")
    return submit(url_for("webui.folder", ws=ws, name=name), "Saved access.",
                  folder_service.set_access, actor, name, principal(), level)


@bp.post("/w/<ws>/folders/<name>/acl/remove")
def remove_folder_access(ws: str, name: str):
    """Take a grant off the folder (folder admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.folder", ws=ws, name=name), "Removed access.",
                  folder_service.remove_access, actor, name, principal())


@bp.post("/w/<ws>/folders/<name>/delete")
def delete_folder(ws: str, name: str):
    """Delete an empty folder and its ACL (admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.folder", ws=ws, name=name), f"Deleted folder {name}.",
                  folder_service.delete, actor, name, then=url_for("webui.folders", ws=ws))
