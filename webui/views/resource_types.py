"""Resource type pages: the list with the create form, and one type's edit form."""
from __future__ import annotations

import json

from flask import render_template, request, url_for
from sqlalchemy.orm import Session

from app.authz import Actor
from app.extensions import runtime
from app.models import ResourceType
from app.services import resource_types as type_service
from app.services.resource_types import TypeDraft
from webui.blueprint import actor_or_404, bp
from webui.data_forms import json_field, save_or_rerender

STARTER_SCHEMA = {"type": "object", "properties": {"host": {"type": "string"}, "port": {"type": "integer"}},
                  "required": ["host"]}
"""What a new type's schema box starts with: the shape most types take."""


def _schema_text(kind: ResourceType | None) -> str:
    default = json.dumps(kind.schema if kind else STARTER_SCHEMA, indent=2, ensure_ascii=False)
    return request.form.get("schema", default)


def _list_page(actor: Actor) -> str:
    return render_template("data/resource_types.html", ws=actor.workspace,
                           types=type_service.list_types(runtime().db.scoped, actor),
                           can_edit=type_service.can_edit(actor), form=request.form,
                           schema_text=_schema_text(None))


@bp.get("/w/<ws>/resource_types")
def resource_types(ws: str):
    """Every resource type; admins and developers also get the create form."""
    return _list_page(actor_or_404(ws))


@bp.post("/w/<ws>/resource_types")
def create_resource_type(ws: str):
    actor = actor_or_404(ws)
    name = request.form.get("name", "").strip()

    def create(session: Session) -> None:
        type_service.create(session, actor, name, TypeDraft(
            schema=json_field("schema"), description=request.form.get("description", "").strip()))

    return save_or_rerender(lambda: _list_page(actor), f"Created resource type {name}.",
                            url_for("webui.resource_types", ws=ws), create)


def _edit_page(actor: Actor, name: str) -> str:
    kind = type_service.get(runtime().db.scoped, actor, name)
    return render_template("data/resource_type_edit.html", ws=actor.workspace, kind=kind,
                           can_edit=type_service.can_edit(actor), schema_text=_schema_text(kind),
                           description=request.form.get("description", kind.description))


@bp.get("/w/<ws>/resource_types/<name>")
def resource_type(ws: str, name: str):
    """One type's schema; editable by admins and developers."""
    return _edit_page(actor_or_404(ws), name)


@bp.post("/w/<ws>/resource_types/<name>")
def update_resource_type(ws: str, name: str):
    actor = actor_or_404(ws)

    def update(session: Session) -> None:
        type_service.update(session, actor, name, schema=json_field("schema"),
                            description=request.form.get("description", "").strip())

    return save_or_rerender(lambda: _edit_page(actor, name), f"Saved resource type {name}.",
                            url_for("webui.resource_types", ws=ws), update)


@bp.post("/w/<ws>/resource_types/<name>/delete")
def delete_resource_type(ws: str, name: str):
    actor = actor_or_404(ws)
    return save_or_rerender(lambda: _edit_page(actor, name), f"Deleted resource type {name}.",
                            url_for("webui.resource_types", ws=ws), type_service.delete, actor, name)
