"""The Webhooks card of a script's page (scripts/_webhooks.html) and its buttons: a run token
for the script and a signing secret, each shown once, plus the headers/query settings."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.api.webhooks import urls
from app.authz import Action, can, require_run_target
from app.crypto import secret_box
from app.errors import ValidationFailed
from app.extensions import runtime
from app.models import Script, TargetKind, TokenScope
from app.services import scripts as script_service, tokens, webhooks
from webui import webhook_snippets
from webui.blueprint import actor_or_404, bp
from webui.forms import describe


@bp.context_processor
def _webhook_card() -> dict[str, Any]:
    return {"webhook_card": webhook_card}


def webhook_card(ws_id: str, script: Script) -> dict[str, Any]:
    """What the card shows for the current user: URLs, commands, settings, allowed buttons."""
    actor = actor_or_404(ws_id)
    webhook = webhooks.find(runtime().db.scoped, ws_id, webhooks.target_of(script.path))
    signed = webhook is not None and webhook.signed
    links = urls(ws_id, script.path)
    return {"urls": links, "signed": signed, "webhook": webhook,
            "commands": webhook_snippets.commands(links, script.schema, signed),
            "can_manage": can(actor, Action.WRITE, TargetKind.SCRIPT, script.path),
            "can_token": can(actor, Action.RUN, TargetKind.SCRIPT, script.path)}


def _shown_once(ws: str, path: str, *, token: str | None = None, secret: str | None = None):
    actor = actor_or_404(ws)
    script = script_service.latest(runtime().db.scoped, actor, path)
    webhook = webhooks.find(runtime().db.scoped, ws, webhooks.target_of(path))
    signed = webhook is not None and webhook.signed
    filled = webhook_snippets.commands(urls(ws, path), script.schema, signed,
                                       token=token or webhook_snippets.TOKEN_PLACEHOLDER,
                                       secret=secret or "<secret>")
    return render_template("webhooks/created.html", ws=actor.workspace, script=script, token=token,
                           secret=secret, commands=filled), 201


@bp.post("/w/<ws>/scripts/webhook_token/<path:path>")
def create_webhook_token(ws: str, path: str):
    """A run-scoped token for this script only, shown once with commands that use it."""
    actor = actor_or_404(ws)
    target = webhooks.target_of(path)
    require_run_target(actor, target)
    with runtime().db.session() as session:
        _token, secret = tokens.create(session, current_user, f"webhook {path}", workspace_id=ws,
                                       scope=TokenScope.RUN, run_target=target)
    return _shown_once(ws, path, token=secret)


@bp.post("/w/<ws>/scripts/webhook_secret/<path:path>")
def create_webhook_secret(ws: str, path: str):
    """Require signatures with a new secret (replacing any old one), shown once."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        _webhook, secret = webhooks.new_secret(session, secret_box(runtime().settings), actor, path)
    return _shown_once(ws, path, secret=secret)


@bp.post("/w/<ws>/scripts/webhook_unsign/<path:path>")
def remove_webhook_secret(ws: str, path: str):
    """Stop requiring signatures."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        webhooks.remove_secret(session, actor, path)
    flash("Webhook requests no longer need a signature.", "info")
    return redirect(url_for("webui.script", ws=ws, path=path))


@bp.post("/w/<ws>/scripts/webhook_settings/<path:path>")
def configure_webhook(ws: str, path: str):
    """Which headers (comma-separated) and whether the query string are passed as args."""
    actor = actor_or_404(ws)
    names = [n.strip() for n in request.form.get("pass_headers", "").split(",") if n.strip()]
    try:
        with runtime().db.session() as session:
            webhooks.configure(session, actor, path, names, "pass_query" in request.form)
    except ValidationFailed as error:
        flash(describe(error), "error")
    else:
        flash("Webhook settings saved.", "info")
    return redirect(url_for("webui.script", ws=ws, path=path))
