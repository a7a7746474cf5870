"""/api/w/<ws>/webhooks: signing and argument settings of the webhook URLs of a script
(`/p/<path>`) or a flow (`/f/<path>`)."""
from __future__ import annotations

from flask import request, url_for
from flask_smorest import Blueprint

from app.api.schemas import WebhookSchema, WebhookSecretSchema, WebhookUpdateSchema
from app.auth import actor, authenticate_api_request
from app.crypto import secret_box
from app.extensions import runtime
from app.models import TargetKind, Webhook
from app.services import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/api/w/<ws>/webhooks",
                description="Webhooks of scripts and flows: HMAC signing, headers and query as args")
blp.before_request(authenticate_api_request)

RUN_ENDPOINTS = {TargetKind.SCRIPT: ("jobs.run_by_path", "jobs.run_wait_result"),
                 TargetKind.FLOW: ("jobs.run_flow_by_path", "jobs.run_flow_wait_result")}
"""The async and sync run endpoints of each kind of target."""


def urls(ws: str, path: str, kind: TargetKind = TargetKind.SCRIPT) -> dict[str, str]:
    """The async and sync run URLs of a script or flow, as callers outside should use them."""
    base = (runtime().settings.public_url or request.host_url).rstrip("/")
    run, wait = RUN_ENDPOINTS[kind]
    return {"async_url": base + url_for(run, ws=ws, path=path),
            "sync_url": base + url_for(wait, ws=ws, path=path)}


def _shown(webhook: Webhook, ws: str, path: str, kind: TargetKind) -> Webhook:
    for name, value in urls(ws, path, kind).items():
        setattr(webhook, name, value)
    return webhook


def _get(ws: str, path: str, kind: TargetKind) -> Webhook:
    return _shown(webhooks.get(runtime().db.scoped, actor(ws), path, kind=kind), ws, path, kind)


def _configure(data: dict, ws: str, path: str, kind: TargetKind) -> Webhook:
    with runtime().db.session() as session:
        webhook = webhooks.configure(session, actor(ws), path, data["pass_headers"], data["pass_query"], kind)
    return _shown(webhook, ws, path, kind)


def _new_secret(ws: str, path: str, kind: TargetKind) -> Webhook:
    with runtime().db.session() as session:
        webhook, secret = webhooks.new_secret(session, secret_box(runtime().settings), actor(ws), path, kind)
    webhook.secret = secret  # a plain attribute, never persisted in clear
    return _shown(webhook, ws, path, kind)


def _remove_secret(ws: str, path: str, kind: TargetKind) -> Webhook:
    with runtime().db.session() as session:
        webhook = webhooks.remove_secret(session, actor(ws), path, kind)
    return _shown(webhook, ws, path, kind)


@blp.get("/p/<path:path>")
@blp.response(200, WebhookSchema)
def get_webhook(ws: str, path: str):
    """The script's webhook URLs and settings (never its secret)."""
    return _get(ws, path, TargetKind.SCRIPT)


@blp.post("/p/<path:path>")
@blp.arguments(WebhookUpdateSchema)
@blp.response(200, WebhookSchema)
def configure_webhook(data: dict, ws: str, path: str):
    """Choose the headers (`headers` arg) and whether the query string (`query` arg) reach the
    script; only scripts that declare those parameters receive them."""
    return _configure(data, ws, path, TargetKind.SCRIPT)


@blp.post("/p/<path:path>/secret")
@blp.response(201, WebhookSecretSchema)
def create_webhook_secret(ws: str, path: str):
    """Require signed requests from run-scoped tokens, with a new secret shown only here
    (it replaces any previous one at once)."""
    return _new_secret(ws, path, TargetKind.SCRIPT)


@blp.delete("/p/<path:path>/secret")
@blp.response(200, WebhookSchema)
def delete_webhook_secret(ws: str, path: str):
    """Stop requiring signatures."""
    return _remove_secret(ws, path, TargetKind.SCRIPT)


@blp.get("/f/<path:path>")
@blp.response(200, WebhookSchema)
def get_flow_webhook(ws: str, path: str):
    """The flow's webhook URLs and settings (never its secret)."""
    return _get(ws, path, TargetKind.FLOW)


@blp.post("/f/<path:path>")
@blp.arguments(WebhookUpdateSchema)
@blp.response(200, WebhookSchema)
def configure_flow_webhook(data: dict, ws: str, path: str):
    """Choose the headers (`headers` input) and whether the query string (`query` input) reach
    the flow; only flows whose input schema declares them receive them."""
    return _configure(data, ws, path, TargetKind.FLOW)


@blp.post("/f/<path:path>/secret")
@blp.response(201, WebhookSecretSchema)
def create_flow_webhook_secret(ws: str, path: str):
    """Require signed requests from the flow's run-scoped tokens, with a new secret shown
    only here (it replaces any previous one at once)."""
    return _new_secret(ws, path, TargetKind.FLOW)


@blp.delete("/f/<path:path>/secret")
@blp.response(200, WebhookSchema)
def delete_flow_webhook_secret(ws: str, path: str):
    """Stop requiring signatures on the flow's webhook."""
    return _remove_secret(ws, path, TargetKind.FLOW)
