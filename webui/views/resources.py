"""Resource pages: the list, the create/edit form (JSON value, type select), and the resource
types (JSON Schemas) with their forms. Also the run form's resource pickers."""
from __future__ import annotations

import json

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, load_actor
from app.extensions import runtime
from app.models import Resource, TargetKind
from app.services import resource_types as type_service, resources as resource_service
from app.services.references import RES_PREFIX
from app.services.resources import ResourceDraft
from webui.blueprint import actor_or_404, bp
from webui.data_forms import json_field, save_or_rerender

KIND = TargetKind.RESOURCE


@bp.get("/w/<ws>/resources")
def resources(ws: str):
    """Every resource the user may read, with its type."""
    actor = actor_or_404(ws)
    items = resource_service.list_resources(runtime().db.scoped, actor)
    writable = {r.path for r in items if can(actor, Action.WRITE, KIND, r.path)}
    return render_template("data/resources.html", ws=actor.workspace, resources=items, writable=writable)


def _form_page(actor: Actor, resource: Resource | None = None) -> str:
    """The create form (no `resource`) or the edit form, refilled from a rejected post."""
    form = request.form
    value = resource.value if resource is not None else {}
    return render_template(
        "data/resource_edit.html", ws=actor.workspace, resource=resource,
        types=type_service.list_types(runtime().db.scoped, actor),
        path=form.get("path", f"u/{actor.name}/"),
        resource_type=form.get("resource_type", resource.resource_type if resource else ""),
        value_text=form.get("value", json.dumps(value, indent=2, ensure_ascii=False)),
        description=form.get("description", resource.description if resource else ""))


@bp.get("/w/<ws>/resources/new")
def new_resource(ws: str):
    return _form_page(actor_or_404(ws))


@bp.post("/w/<ws>/resources/new")
def create_resource(ws: str):
    """Create a resource; a value that does not fit its type shows the form again."""
    actor = actor_or_404(ws)
    path = request.form.get("path", "").strip()

    def create(session: Session) -> None:
        draft = ResourceDraft(resource_type=request.form.get("resource_type", ""), value=json_field("value"),
                              description=request.form.get("description", "").strip())
        resource_service.create(session, actor, path, draft)

    return save_or_rerender(lambda: _form_page(actor), f"Created {path}.", url_for("webui.resources", ws=ws),
                            create)


def _edit_page(actor: Actor, path: str) -> str:
    return _form_page(actor, resource_service.get(runtime().db.scoped, actor, path, Action.WRITE))


@bp.get("/w/<ws>/resources/edit/<path:path>")
def edit_resource(ws: str, path: str):
    return _edit_page(actor_or_404(ws), path)


@bp.post("/w/<ws>/resources/edit/<path:path>")
def update_resource(ws: str, path: str):
    """Save the edit form."""
    actor = actor_or_404(ws)

    def update(session: Session) -> None:
        resource_service.update(session, actor, path, value=json_field("value"),
                                resource_type=request.form.get("resource_type") or None,
                                description=request.form.get("description", "").strip())

    return save_or_rerender(lambda: _edit_page(actor, path), f"Saved {path}.", url_for("webui.resources", ws=ws),
                            update)


@bp.post("/w/<ws>/resources/delete/<path:path>")
def delete_resource(ws: str, path: str):
    actor = actor_or_404(ws)
    return save_or_rerender(lambda: _edit_page(actor, path), f"Deleted {path}.",
                            url_for("webui.resources", ws=ws), resource_service.delete, actor, path)


@bp.app_template_global("resource_choices")
def resource_choices(resource_type: str) -> list[tuple[str, str]]:
    """For the run form: (`$res:<path>`, path) of each resource of a type the user may read,
    in the workspace of the page being rendered."""
    ws = (request.view_args or {}).get("ws")
    if not ws or not current_user.is_authenticated:
        return []
    actor = load_actor(runtime().db.scoped, ws, current_user._get_current_object())
    items = resource_service.list_resources(runtime().db.scoped, actor, resource_type=resource_type)
    return [(f"{RES_PREFIX}{r.path}", r.path) for r in items]
