"""Invitations: /api/w/<ws>/invitations (admins) and /api/invitations/<token>/accept (anyone)."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from app.api.schemas import (InvitationAcceptedSchema, InvitationCreatedSchema,
                             InvitationCreateSchema, InvitationSchema)
from app.auth import actor, authenticate_api_request, principal, require_full_token
from app.extensions import runtime
from app.models import Role
from app.services import accounts, invitations

blp = Blueprint("invitations", __name__, url_prefix="/api",
                description="Links that let someone join a workspace")
blp.before_request(authenticate_api_request)


@blp.get("/w/<ws>/invitations")
@blp.response(200, InvitationSchema(many=True))
def list_invitations(ws: str):
    """Invitations not yet accepted, revoked or expired (admins)."""
    return invitations.list_pending(runtime().db.scoped, actor(ws))


@blp.post("/w/<ws>/invitations")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationCreatedSchema)
def create_invitation(data: dict, ws: str):
    """Create an invitation (admins); its link and secret are in this response only."""
    with runtime().db.session() as session:
        invitation, secret = invitations.create(session, actor(ws), Role(data["role"]),
                                                data["expires_in_days"])
    # Plain attributes, never persisted: the link is shown once.
    invitation.token = secret
    invitation.url = url_for("webui.invite", token=secret, _external=True)
    return invitation


@blp.delete("/w/<ws>/invitations/<int:invitation_id>")
@blp.response(204)
def revoke_invitation(ws: str, invitation_id: int):
    """Revoke a pending invitation; its link stops working (admins)."""
    with runtime().db.session() as session:
        invitations.revoke(session, actor(ws), invitation_id)


@blp.post("/invitations/<token>/accept")
@blp.response(200, InvitationAcceptedSchema)
def accept_invitation(token: str):
    """Join the invitation's workspace as the caller (a session or an unrestricted token).

    404 if the link is unknown, expired, revoked or used; 409 if already a member.
    """
    require_full_token()
    with runtime().db.session() as session:
        member = invitations.accept(session, token, principal().user)
        workspace = accounts.workspace_for(session, member.workspace_id, principal().user)
    return {"workspace": workspace, "role": member.role.value}
