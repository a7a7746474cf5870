"""/api/w/<ws>/webhooks: signing and argument settings of a script's webhook URLs."""
from __future__ import annotations

from flask import request, url_for
from flask_smorest import Blueprint

from app.api.schemas import WebhookSchema, WebhookSecretSchema, WebhookUpdateSchema
from app.auth import actor, authenticate_api_request
from app.crypto import secret_box
from app.extensions import runtime
from app.models import Webhook
from app.services import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/api/w/<ws>/webhooks",
                description="Webhooks of scripts: HMAC signing, headers and query as args")
blp.before_request(authenticate_api_request)


def urls(ws: str, path: str) -> dict[str, str]:
    """The async and sync run URLs of a script, as callers outside should use them."""
    base = (runtime().settings.public_url or request.host_url).rstrip("/")
    return {"async_url": base + url_for("jobs.run_by_path", ws=ws, path=path),
            "sync_url": base + url_for("jobs.run_wait_result", ws=ws, path=path)}


def _shown(webhook: Webhook, ws: str, path: str) -> Webhook:
    for name, value in urls(ws, path).items():
        setattr(webhook, name, value)
    return webhook


@blp.get("/p/<path:path>")
@blp.response(200, WebhookSchema)
def get_webhook(ws: str, path: str):
    """The script's webhook URLs and settings (never its secret)."""
    return _shown(webhooks.get(runtime().db.scoped, actor(ws), path), ws, path)


@blp.post("/p/<path:path>")
@blp.arguments(WebhookUpdateSchema)
@blp.response(200, WebhookSchema)
def configure_webhook(data: dict, ws: str, path: str):
    """Choose the headers (`headers` arg) and whether the query string (`query` arg) reach the
    script; only scripts that declare those parameters receive them."""
    with runtime().db.session() as session:
        webhook = webhooks.configure(session, actor(ws), path, data["pass_headers"], data["pass_query"])
    return _shown(webhook, ws, path)


@blp.post("/p/<path:path>/secret")
@blp.response(201, WebhookSecretSchema)
def create_webhook_secret(ws: str, path: str):
    """Require signed requests from run-scoped tokens, with a new secret shown only here
    (it replaces any previous one at once)."""
    with runtime().db.session() as session:
        webhook, secret = webhooks.new_secret(session, secret_box(runtime().settings), actor(ws), path)
    webhook.secret = secret  # a plain attribute, never persisted in clear
    return _shown(webhook, ws, path)


@blp.delete("/p/<path:path>/secret")
@blp.response(200, WebhookSchema)
def delete_webhook_secret(ws: str, path: str):
    """Stop requiring signatures."""
    with runtime().db.session() as session:
        webhook = webhooks.remove_secret(session, actor(ws), path)
    return _shown(webhook, ws, path)
