"""Variable pages: the list (secrets masked, revealed on request through the API) with the
create form, and one variable's edit form."""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can
from app.crypto import secret_box
from app.extensions import runtime
from app.models import TargetKind
from app.services import variables as variable_service
from app.services.variables import VariableDraft
from webui.blueprint import actor_or_404, bp
from webui.data_forms import checkbox, save_or_rerender

KIND = TargetKind.VARIABLE


def _list_page(actor: Actor) -> str:
    items = variable_service.list_variables(runtime().db.scoped, actor)
    writable = {v.path for v in items if can(actor, Action.WRITE, KIND, v.path)}
    return render_template("data/variables.html", ws=actor.workspace, variables=items, writable=writable,
                           form=request.form, default_path=f"u/{actor.name}/")


@bp.get("/w/<ws>/variables")
def variables(ws: str):
    """Every variable the user may read; secret values are masked until revealed."""
    return _list_page(actor_or_404(ws))


@bp.post("/w/<ws>/variables")
def create_variable(ws: str):
    """Create a variable (a secret when the box is ticked)."""
    actor = actor_or_404(ws)
    path = request.form.get("path", "").strip()
    draft = VariableDraft(value=request.form.get("value", ""), is_secret=checkbox("is_secret"),
                          description=request.form.get("description", "").strip())
    return save_or_rerender(lambda: _list_page(actor), f"Created {path}.", url_for("webui.variables", ws=ws),
                            variable_service.create, actor, secret_box(runtime().settings), path, draft)


def _edit_page(actor: Actor, path: str) -> str:
    variable = variable_service.get(runtime().db.scoped, actor, path, Action.WRITE)
    variable_service.present(actor, variable)
    return render_template("data/variable_edit.html", ws=actor.workspace, variable=variable)


@bp.get("/w/<ws>/variables/edit/<path:path>")
def edit_variable(ws: str, path: str):
    """The edit form; a secret's value is not shown, an empty value keeps it."""
    return _edit_page(actor_or_404(ws), path)


@bp.post("/w/<ws>/variables/edit/<path:path>")
def update_variable(ws: str, path: str):
    """Save the edit form."""
    actor = actor_or_404(ws)
    value = request.form.get("value", "")

    def update(session: Session) -> None:
        keep = value == "" and variable_service.get(session, actor, path).is_secret
        variable_service.update(session, actor, secret_box(runtime().settings), path,
                                value=None if keep else value, is_secret=checkbox("is_secret"),
                                description=request.form.get("description", "").strip())

    return save_or_rerender(lambda: _edit_page(actor, path), f"Saved {path}.",
                            url_for("webui.variables", ws=ws), update)


@bp.post("/w/<ws>/variables/delete/<path:path>")
def delete_variable(ws: str, path: str):
    """Delete the variable."""
    actor = actor_or_404(ws)
    return save_or_rerender(lambda: _edit_page(actor, path), f"Deleted {path}.",
                            url_for("webui.variables", ws=ws), variable_service.delete, actor, path)
