"""/api/w/<ws>/flows: create, version, validate, read, list and archive flows; a flow run's
steps and approvals; and the signed approval links, which need no login."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from app.api.schemas import (ApprovalPayloadSchema, ApprovalSchema, FlowCreateSchema, FlowSchema,
                             FlowStepSchema, FlowUpdateSchema, FlowValidatedSchema, FlowWriteSchema,
                             ScriptListQuerySchema)
from app.auth import actor, authenticate_api_request
from app.authz import load_actor
from app.errors import NotFound, Unauthorized
from app.extensions import runtime
from app.services import flow_runs, flows
from flows import approvals
from flows.definition import FlowDefinition

blp = Blueprint("flows", __name__, url_prefix="/api/w/<ws>/flows",
                description="Flows, versioned by content hash")
blp.before_request(authenticate_api_request)

runs_blp = Blueprint("flow_runs", __name__, url_prefix="/api/w/<ws>/jobs",
                     description="Flow runs: their steps and approvals")
runs_blp.before_request(authenticate_api_request)

approvals_blp = Blueprint("approvals", __name__, url_prefix="/api/w/<ws>/approvals",
                          description="Signed approval links: resume or cancel a suspended flow")

DEFINITION_KEYS = ("summary", "description", "schema", "modules", "failure_module", "tag")


def _definition(data: dict) -> FlowDefinition:
    if data.get("source") is not None:
        return flows.parse(source=data["source"])
    return flows.parse({k: v for k, v in data.items() if k in DEFINITION_KEYS})


@blp.get("")
@blp.arguments(ScriptListQuerySchema, location="query")
@blp.response(200, FlowSchema(many=True))
def list_flows(query: dict, ws: str):
    """Latest version of every flow, ordered by path."""
    return flows.list_latest(runtime().db.scoped, actor(ws), **query)


@blp.post("")
@blp.arguments(FlowCreateSchema)
@blp.response(201, FlowSchema)
def create_flow(data: dict, ws: str):
    """Create a flow at a new path."""
    definition = _definition(data)
    with runtime().db.session() as session:
        return flows.create(session, actor(ws), data["path"], definition)


@blp.post("/validate")
@blp.arguments(FlowWriteSchema)
@blp.response(200, FlowValidatedSchema)
def validate_flow(data: dict, ws: str):
    """Check a definition without saving it; problems answer 400 with their positions."""
    actor(ws)  # members of the workspace only (404 otherwise), like every other endpoint
    return {"definition": _definition(data).to_dict()}


@blp.get("/p/<path:path>")
@blp.response(200, FlowSchema)
def get_flow(ws: str, path: str):
    """The latest version at `path`."""
    return flows.latest(runtime().db.scoped, actor(ws), path)


@blp.post("/p/<path:path>")
@blp.arguments(FlowUpdateSchema)
@blp.response(200, FlowSchema)
def update_flow(data: dict, ws: str, path: str):
    """Save a new version (unchanged content returns the current version)."""
    definition = _definition(data)
    with runtime().db.session() as session:
        return flows.update(session, actor(ws), path, definition, parent_hash=data.get("parent_hash"))


@blp.get("/h/<flow_hash>")
@blp.response(200, FlowSchema)
def get_flow_by_hash(ws: str, flow_hash: str):
    """One exact version."""
    return flows.by_hash(runtime().db.scoped, actor(ws), flow_hash)


@blp.get("/versions/p/<path:path>")
@blp.response(200, FlowSchema(many=True))
def list_versions(ws: str, path: str):
    """Every version at `path`, newest first."""
    return flows.versions(runtime().db.scoped, actor(ws), path)


@blp.post("/archive/p/<path:path>")
@blp.response(200, FlowSchema)
def archive_flow(ws: str, path: str):
    """Hide the flow from lists and runs; its versions and runs are kept."""
    with runtime().db.session() as session:
        return flows.archive(session, actor(ws), path)


@runs_blp.get("/<job_id>/steps")
@runs_blp.response(200, FlowStepSchema(many=True))
def get_steps(ws: str, job_id: str):
    """Every step of a flow run (with loop iterations and branches), with status and result."""
    return flow_runs.steps(runtime().db.scoped, actor(ws), job_id)


@runs_blp.get("/<job_id>/approvals")
@runs_blp.response(200, ApprovalSchema(many=True))
def get_approvals(ws: str, job_id: str):
    """A flow run's approvals; those still waiting come with their signed links."""
    rt = runtime()
    return flow_runs.pending_approvals(rt.db.scoped, actor(ws), job_id, rt.settings)


def _approver(ws: str, approval_id: str) -> str:
    """Who acts on the link: the logged-in caller if any (required when the step says so)."""
    try:
        authenticate_api_request()
    except Unauthorized:
        g.principal = None
    if g.principal is None:
        if approvals.get(runtime().db, ws, approval_id).user_auth_required:
            raise Unauthorized("this approval needs a logged-in approver")
        return request.args.get("approver", "anonymous")[:64]
    return load_actor(runtime().db.scoped, ws, g.principal.user, g.principal.token).name


def _signed(ws: str, approval_id: str, action: str, signature: str) -> None:
    secret = runtime().settings.resolved_secret_key()
    if not approvals.verify(secret, ws, approval_id, action, signature):
        raise NotFound(f"approval {approval_id!r} not found", {"id": approval_id})


@approvals_blp.get("/<approval_id>/<any(resume, cancel):action>/<signature>")
@approvals_blp.response(200, ApprovalSchema)
def get_approval(ws: str, approval_id: str, action: str, signature: str):
    """What the link is about (a GET never acts, so link previews are harmless)."""
    _signed(ws, approval_id, action, signature)
    rt = runtime()
    return flow_runs.describe(approvals.get(rt.db, ws, approval_id), rt.settings)


@approvals_blp.post("/<approval_id>/resume/<signature>")
@approvals_blp.arguments(ApprovalPayloadSchema)
@approvals_blp.response(200, ApprovalSchema)
def resume_approval(payload: dict, ws: str, approval_id: str, signature: str):
    """Approve: the payload becomes `resume` for the next steps."""
    _signed(ws, approval_id, "resume", signature)
    rt = runtime()
    approval = approvals.resume(rt.db, rt.events, rt.queue.celery, ws, approval_id,
                                _approver(ws, approval_id), payload)
    return flow_runs.describe(approval, rt.settings)


@approvals_blp.post("/<approval_id>/cancel/<signature>")
@approvals_blp.response(200, ApprovalSchema)
def cancel_approval(ws: str, approval_id: str, signature: str):
    """Reject: the flow is canceled."""
    _signed(ws, approval_id, "cancel", signature)
    rt = runtime()
    approval = approvals.reject(rt.db, rt.events, ws, approval_id, _approver(ws, approval_id))
    return flow_runs.describe(approval, rt.settings)
