"""Script pages: the list, the editor (new and edit), the script page with its run form and
Access panel (shares), versions, and archiving."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import runtime
from app.introspection import SUPPORTED_LANGUAGES
from app.authz import Action, can
from app.models import Level, Script, TargetKind, Workspace
from app.services import scripts as script_service, shares as share_service
from webui.blueprint import bp, actor_or_404
from webui.forms import choice, principal, principal_choices, submit
from webui.schema_form import form_fields
from webui.starters import STARTERS

EDITABLE_LANGUAGES = tuple(lang for lang in STARTERS if lang in SUPPORTED_LANGUAGES)
"""Languages offered in the editor: those with a starter that the server can introspect."""


@bp.get("/w/<ws>/scripts")
def scripts(ws: str):
    """Latest version of every script in the workspace."""
    actor = actor_or_404(ws)
    items = script_service.list_latest(runtime().db.scoped, actor)
    return render_template("scripts/list.html", ws=actor.workspace, scripts=items)


def _editor(workspace: Workspace, script: Script | None = None):
    return render_template("scripts/edit.html", ws=workspace, script=script,
                           languages=EDITABLE_LANGUAGES, starters=STARTERS,
                           default_path=f"u/{current_user.username}/")


@bp.get("/w/<ws>/scripts/new")
def new_script(ws: str):
    """The editor, empty but for the starter template."""
    return _editor(actor_or_404(ws).workspace)


@bp.get("/w/<ws>/scripts/edit/<path:path>")
def edit_script(ws: str, path: str):
    """The editor on the latest version; saving makes a new version."""
    actor = actor_or_404(ws)
    return _editor(actor.workspace, script_service.latest(runtime().db.scoped, actor, path, Action.WRITE))


@bp.get("/w/<ws>/scripts/get/<path:path>")
def script(ws: str, path: str):
    """Summary, code and the run form generated from the script's schema."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    item = script_service.latest(session, actor, path)
    can_share = can(actor, Action.SHARE, TargetKind.SCRIPT, path)
    return render_template("scripts/show.html", ws=actor.workspace, script=item,
                           can_write=can(actor, Action.WRITE, TargetKind.SCRIPT, path),
                           fields=form_fields(item.schema),
                           shares=share_service.list_shares(session, actor, TargetKind.SCRIPT, path),
                           can_share=can_share, levels=[level.value for level in Level],
                           choices=principal_choices(session, actor) if can_share else None)


@bp.post("/w/<ws>/scripts/share/<path:path>")
def share_script(ws: str, path: str):
    """Share the script with a user or group at a level (those who may share it)."""
    actor = actor_or_404(ws)
    level = choice(Level, "level")
    return submit(url_for("webui.script", ws=ws, path=path), "Saved access.", share_service.share,
                  actor, TargetKind.SCRIPT, path, principal(), level)


@bp.post("/w/<ws>/scripts/unshare/<path:path>")
def unshare_script(ws: str, path: str):
    """Stop sharing the script with a user or group (those who may share it)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.script", ws=ws, path=path), "Removed access.", share_service.unshare,
                  actor, TargetKind.SCRIPT, path, principal())


@bp.get("/w/<ws>/scripts/versions/<path:path>")
def script_versions(ws: str, path: str):
    """Every saved version of a script, newest first."""
    actor = actor_or_404(ws)
    versions = script_service.versions(runtime().db.scoped, actor, path)
    return render_template("scripts/versions.html", ws=actor.workspace, path=path, versions=versions)


@bp.post("/w/<ws>/scripts/archive/<path:path>")
def archive_script(ws: str, path: str):
    """Hide the script from lists and runs (its versions and jobs are kept)."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        script_service.archive(session, actor, path)
    flash(f"Archived {path}.", "info")
    return redirect(url_for("webui.scripts", ws=actor.ws_id))
