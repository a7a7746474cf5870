"""Flow pages: the list, the editor (YAML with live validation and a graph), the flow page
with its run form, a run's live graph, and the public approval page of a signed link."""
from __future__ import annotations

import yaml
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from app.authz import Action, can, load_actor
from app.extensions import runtime
from app.models import Flow, Job, TargetKind
from app.services import flow_runs, flows as flow_service
from flows import approvals
from webui.blueprint import actor_or_404, bp
from webui.schema_form import form_fields

approval_bp = Blueprint("flow_approval", __name__)
"""The approval page is reached by its signed link, logged in or not."""

HELLO = 'def main(name: str):\n    return f"hello {name}"\n'
STARTER = {"summary": "", "schema": {"type": "object", "properties": {"name": {"type": "string"}}},
           "modules": [{"id": "hello", "value": {"type": "rawscript", "language": "python", "content": HELLO},
                        "input_transforms": {"name": {"type": "expr", "expr": "flow_input.name"}}}]}
"""What a new flow's editor starts with."""


def as_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, width=100)


def _definition_dict(flow: Flow) -> dict:
    return flow_service.definition_of(flow).to_dict()


@bp.get("/w/<ws>/flows")
def flows(ws: str):
    """Latest version of every flow in the workspace."""
    actor = actor_or_404(ws)
    items = flow_service.list_latest(runtime().db.scoped, actor)
    return render_template("flows/list.html", ws=actor.workspace, flows=items)


def _editor(ws, flow: Flow | None):  # noqa: ANN001
    source = as_yaml(_definition_dict(flow) if flow else STARTER)
    return render_template("flows/edit.html", ws=ws, flow=flow, source=source,
                           default_path=f"u/{current_user.username}/")


@bp.get("/w/<ws>/flows/new")
def new_flow(ws: str):
    """The editor, with a one-step starter flow."""
    return _editor(actor_or_404(ws).workspace, None)


@bp.get("/w/<ws>/flows/edit/<path:path>")
def edit_flow(ws: str, path: str):
    """The editor on the latest version; saving makes a new version."""
    actor = actor_or_404(ws)
    return _editor(actor.workspace, flow_service.latest(runtime().db.scoped, actor, path, Action.WRITE))


@bp.get("/w/<ws>/flows/get/<path:path>")
def flow(ws: str, path: str):
    """Summary, graph and the run form generated from the flow's input schema."""
    actor = actor_or_404(ws)
    item = flow_service.latest(runtime().db.scoped, actor, path)
    definition = _definition_dict(item) if item.code_visible else None
    return render_template("flows/show.html", ws=actor.workspace, flow=item, definition=definition,
                           can_write=can(actor, Action.WRITE, TargetKind.FLOW, path),
                           fields=form_fields(item.schema))


@bp.get("/w/<ws>/flows/run/<job_id>")
def flow_run(ws: str, job_id: str):
    """A run: the graph with each step's live status; a click shows its result and logs."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    job = flow_runs.get_flow_job(session, actor, job_id)
    version = flow_service.by_hash(session, actor, job.script_hash)
    definition = _definition_dict(version) if version.code_visible else {"modules": []}
    return render_template("flows/run.html", ws=actor.workspace, job=job, definition=definition)


@approval_bp.get("/approve/<ws>/<approval_id>/<signature>")
def approve(ws: str, approval_id: str, signature: str):
    """The page a signed approval link opens: the step waiting, a form, approve or reject."""
    rt = runtime()
    secret = rt.settings.resolved_secret_key()
    if not approvals.verify(secret, ws, approval_id, "page", signature):
        abort(404)
    approval = approvals.get(rt.db, ws, approval_id)
    flow_job = rt.db.scoped.get(Job, approval.flow_job_id)
    needs_login = approval.user_auth_required and not current_user.is_authenticated
    if approval.user_auth_required and current_user.is_authenticated:
        load_actor(rt.db.scoped, ws, current_user._get_current_object())  # members only
    signed = {action: url_for(f"approvals.{action}_approval", ws=ws, approval_id=approval_id,
                              signature=approvals.sign(secret, ws, approval_id, action))
              for action in ("resume", "cancel")}
    return render_template("flows/approve.html", approval=approval, flow_job=flow_job, signed=signed,
                           needs_login=needs_login, fields=form_fields(approval.form_schema or {}))
