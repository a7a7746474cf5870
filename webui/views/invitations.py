"""Invitations: the admins' page to create and revoke links, and the public page a link opens."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import runtime
from app.authz import Actor
from app.models import Invitation, Role
from app.services import accounts, invitations as invitation_service
from app.services.invitations import Preview
from webui.blueprint import actor_or_404, bp
from webui.forms import choice, describe, submit

EXPIRY_DAYS = (1, 3, 7, 14, 30)
"""Offered lifetimes of a link, in days (the service allows 1 to 30)."""
ROLES = [role.value for role in Role]


def _page(actor: Actor, secret: str | None = None, created: Invitation | None = None, status: int = 200):
    pending = invitation_service.list_pending(runtime().db.scoped, actor)
    link = url_for("webui.invite", token=secret, _external=True) if secret else None
    body = render_template("admin/invitations.html", ws=actor.workspace, invitations=pending,
                           roles=ROLES, expiry_days=EXPIRY_DAYS,
                           default_days=invitation_service.DEFAULT_EXPIRY_DAYS, link=link, created=created)
    return body, status


@bp.get("/w/<ws>/invitations")
def invitations(ws: str):
    """Pending invitations and the form to make one (admins)."""
    return _page(actor_or_404(ws))


@bp.post("/w/<ws>/invitations")
def create_invitation(ws: str):
    """Create an invitation and show its link on this response only (admins)."""
    actor = actor_or_404(ws)
    role = choice(Role, "role")
    days = request.form.get("expires_in_days", type=int) or invitation_service.DEFAULT_EXPIRY_DAYS
    with runtime().db.session() as session:
        invitation, secret = invitation_service.create(session, actor, role, days)
    return _page(actor, secret=secret, created=invitation, status=201)


@bp.post("/w/<ws>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(ws: str, invitation_id: int):
    """Make a pending invitation's link stop working (admins)."""
    actor = actor_or_404(ws)
    return submit(url_for("webui.invitations", ws=ws), "Revoked the invitation.",
                  invitation_service.revoke, actor, invitation_id)


def _invite_page(token: str, offer: Preview, error: str | None = None, form: dict | None = None,
                 status: int = 200):
    already = current_user.is_authenticated and accounts.is_member(
        runtime().db.scoped, offer.workspace_id, current_user._get_current_object())
    return render_template("invite.html", token=token, offer=offer, already_member=already,
                           error=error, form=form or {}), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str):
    """An invitation link: accept it (logged in) or sign up and accept it (logged out)."""
    try:
        offer = invitation_service.preview(runtime().db.scoped, token)
    except NotFound as error:
        # Shown in the same card as a live link: the visitor may have no account to see a dashboard.
        return render_template("invite.html", token=token, offer=None, error=error.message, form={}), 404
    if request.method == "GET":
        return _invite_page(token, offer)
    if current_user.is_authenticated:
        return _accept(token, offer)
    return _sign_up(token, offer)


def _accept(token: str, offer: Preview):
    try:
        with runtime().db.session() as session:
            invitation_service.accept(session, token, current_user._get_current_object())
    except Conflict as error:
        return _invite_page(token, offer, error=error.message, status=409)
    flash(f"Welcome! You joined {offer.workspace_name} as {offer.role.value}.", "info")
    return redirect(url_for("webui.scripts", ws=offer.workspace_id))


def _sign_up(token: str, offer: Preview):
    form = {name: request.form.get(name, "").strip() for name in ("username", "email")}
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        return _invite_page(token, offer, error="The two passwords differ.", form=form, status=400)
    try:
        with runtime().db.session() as session:
            user = invitation_service.sign_up(session, token, form["username"], form["email"], password)
    except (ValidationFailed, Conflict) as error:
        return _invite_page(token, offer, error=describe(error), form=form, status=error.status)
    login_user(user)
    flash(f"Welcome, {user.username}! You joined {offer.workspace_name} as {offer.role.value}.", "info")
    return redirect(url_for("webui.scripts", ws=offer.workspace_id))
