"""The user's API tokens: list, create (the secret is shown once), revoke."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import runtime
from app.models import utcnow
from app.authz import load_actor
from app.services import accounts, tokens as token_service
from webui.blueprint import bp

EXPIRY_CHOICES = (("", "Never"), ("1", "1 day"), ("7", "7 days"), ("30", "30 days"),
                  ("90", "90 days"), ("365", "1 year"))
"""Offered lifetimes in days; a fixed list keeps the form simple and the expiry unambiguous."""
LABEL_MAX = 200


def _page(secret: str | None = None, created=None, error: str | None = None, status: int = 200):
    session = runtime().db.scoped
    body = render_template(
        "tokens.html", tokens=token_service.list_for(session, current_user),
        token_workspaces=accounts.workspaces_of(session, current_user),
        expiry_choices=EXPIRY_CHOICES, now=utcnow(), secret=secret, created=created, error=error)
    return body, status


@bp.get("/tokens")
def tokens():
    """The user's active tokens and the form to make one."""
    return _page()


def _form_error(label: str, days: str) -> str | None:
    if not label or len(label) > LABEL_MAX:
        return f"Give the token a label (1 to {LABEL_MAX} characters)."
    if days and days not in dict(EXPIRY_CHOICES):
        return "Pick an expiry from the list."
    return None


@bp.post("/tokens")
def create_token():
    """Create a token and show its secret on this response only."""
    label = request.form.get("label", "").strip()
    ws_id = request.form.get("workspace_id") or None
    days = request.form.get("expires_days", "")
    error = _form_error(label, days)
    if error:
        return _page(error=error, status=400)
    if ws_id:
        load_actor(runtime().db.scoped, ws_id, current_user._get_current_object())  # 404 if not a member
    expires_at = utcnow() + timedelta(days=int(days)) if days else None
    with runtime().db.session() as session:
        token, secret = token_service.create(session, current_user, label, workspace_id=ws_id,
                                             expires_at=expires_at)
    return _page(secret=secret, created=token, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of the user's tokens; it stops working at once."""
    with runtime().db.session() as session:
        token = token_service.revoke(session, current_user, token_id)
    flash(f"Revoked token “{token.label}”.", "info")
    return redirect(url_for("webui.tokens"))
