"""The Webhooks card of script and flow pages (webhooks/_card.html) and its buttons: a run
token for the script or flow and a signing secret, each shown once, plus the headers/query
settings. Each button has a script route (`/scripts/webhook_*`) and a flow route
(`/flows/webhook_*`), told apart by the `kind` default of the rule."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.api.webhooks import urls
from app.authz import Action, Actor, can, require_run_target
from app.crypto import secret_box
from app.errors import ValidationFailed
from app.extensions import runtime
from app.models import Flow, Script, TargetKind, TokenScope
from app.services import flows as flow_service, scripts as script_service, tokens, webhooks
from webui import webhook_snippets
from webui.blueprint import actor_or_404, bp
from webui.forms import describe

PAGES = {TargetKind.SCRIPT: "webui.script", TargetKind.FLOW: "webui.flow"}
"""The page each kind of target's buttons return to."""


@bp.context_processor
def _webhook_card() -> dict[str, Any]:
    return {"webhook_card": webhook_card}


def _action_urls(ws_id: str, path: str, kind: TargetKind) -> dict[str, str]:
    prefix = "" if kind == TargetKind.SCRIPT else "flow_"
    return {name: url_for(f"webui.{endpoint.format(prefix)}", ws=ws_id, path=path) for name, endpoint in (
        ("token_url", "create_{}webhook_token"), ("secret_url", "create_{}webhook_secret"),
        ("unsign_url", "remove_{}webhook_secret"), ("settings_url", "configure_{}webhook"))}


def webhook_card(ws_id: str, item: Script | Flow, kind: str = "script") -> dict[str, Any]:
    """What the card shows for the current user: URLs, commands, settings, allowed buttons."""
    kind = TargetKind(kind)
    actor = actor_or_404(ws_id)
    webhook = webhooks.find(runtime().db.scoped, ws_id, webhooks.target_of(item.path, kind))
    signed = webhook is not None and webhook.signed
    links = urls(ws_id, item.path, kind)
    return {"kind": kind.value, "urls": links, "signed": signed, "webhook": webhook,
            "commands": webhook_snippets.commands(links, item.schema, signed),
            "can_manage": can(actor, Action.WRITE, kind, item.path),
            "can_token": can(actor, Action.RUN, kind, item.path), **_action_urls(ws_id, item.path, kind)}


def _item(actor: Actor, path: str, kind: TargetKind) -> Script | Flow:
    session = runtime().db.scoped
    if kind == TargetKind.FLOW:
        return flow_service.latest(session, actor, path)
    return script_service.latest(session, actor, path)


def _shown_once(ws: str, path: str, kind: TargetKind, *, token: str | None = None, secret: str | None = None):
    actor = actor_or_404(ws)
    item = _item(actor, path, kind)
    webhook = webhooks.find(runtime().db.scoped, ws, webhooks.target_of(path, kind))
    signed = webhook is not None and webhook.signed
    filled = webhook_snippets.commands(urls(ws, path, kind), item.schema, signed,
                                       token=token or webhook_snippets.TOKEN_PLACEHOLDER,
                                       secret=secret or "<secret>")
    return render_template("webhooks/created.html", ws=actor.workspace, item=item, kind=kind.value,
                           back_url=url_for(PAGES[kind], ws=ws, path=path), token=token,
                           secret=secret, commands=filled), 201


def _back(ws: str, path: str, kind: str):
    return redirect(url_for(PAGES[TargetKind(kind)], ws=ws, path=path))


@bp.post("/w/<ws>/scripts/webhook_token/<path:path>", defaults={"kind": "script"})
@bp.post("/w/<ws>/flows/webhook_token/<path:path>", endpoint="create_flow_webhook_token",
         defaults={"kind": "flow"})
def create_webhook_token(ws: str, path: str, kind: str):
    """A run-scoped token for this script or flow only, shown once with commands that use it."""
    actor, target_kind = actor_or_404(ws), TargetKind(kind)
    target = webhooks.target_of(path, target_kind)
    require_run_target(actor, target)
    with runtime().db.session() as session:
        _token, secret = tokens.create(session, current_user, f"webhook {target}", workspace_id=ws,
                                       scope=TokenScope.RUN, run_target=target)
    return _shown_once(ws, path, target_kind, token=secret)


@bp.post("/w/<ws>/scripts/webhook_secret/<path:path>", defaults={"kind": "script"})
@bp.post("/w/<ws>/flows/webhook_secret/<path:path>", endpoint="create_flow_webhook_secret",
         defaults={"kind": "flow"})
def create_webhook_secret(ws: str, path: str, kind: str):
    """Require signatures with a new secret (replacing any old one), shown once."""
    actor, target_kind = actor_or_404(ws), TargetKind(kind)
    with runtime().db.session() as session:
        _webhook, secret = webhooks.new_secret(session, secret_box(runtime().settings), actor, path, target_kind)
    return _shown_once(ws, path, target_kind, secret=secret)


@bp.post("/w/<ws>/scripts/webhook_unsign/<path:path>", defaults={"kind": "script"})
@bp.post("/w/<ws>/flows/webhook_unsign/<path:path>", endpoint="remove_flow_webhook_secret",
         defaults={"kind": "flow"})
def remove_webhook_secret(ws: str, path: str, kind: str):
    """Stop requiring signatures."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        webhooks.remove_secret(session, actor, path, TargetKind(kind))
    flash("Webhook requests no longer need a signature.", "info")
    return _back(ws, path, kind)


@bp.post("/w/<ws>/scripts/webhook_settings/<path:path>", defaults={"kind": "script"})
@bp.post("/w/<ws>/flows/webhook_settings/<path:path>", endpoint="configure_flow_webhook",
         defaults={"kind": "flow"})
def configure_webhook(ws: str, path: str, kind: str):
    """Which headers (comma-separated) and whether the query string are passed as args."""
    actor = actor_or_404(ws)
    names = [n.strip() for n in request.form.get("pass_headers", "").split(",") if n.strip()]
    try:
        with runtime().db.session() as session:
            webhooks.configure(session, actor, path, names, "pass_query" in request.form, TargetKind(kind))
    except ValidationFailed as error:
        flash(describe(error), "error")
    else:
        flash("Webhook settings saved.", "info")
    return _back(ws, path, kind)
