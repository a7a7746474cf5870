"""Shares: access to one item given to a user or group, on top of ownership and folder ACLs."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy.orm import Session

from app.authz import Action, Actor
from app.errors import NotFound
from app.models import Level, TargetKind
from app.services import audit, flows, grants, resources, schedules, scripts, variables
from app.services.grants import GrantEntry

LOOKUPS = {TargetKind.SCRIPT: scripts.latest, TargetKind.FLOW: flows.latest,
           TargetKind.VARIABLE: variables.get, TargetKind.RESOURCE: resources.get,
           TargetKind.SCHEDULE: schedules.get}
"""Per shareable kind (folders have an ACL instead): find the live item at a path, checking
that the actor may do an action on it (404 / 403 otherwise)."""


def item_kind(name: str) -> TargetKind:
    """The shareable kind called `name`; 404 for anything else (e.g. `folder`)."""
    kind = next((k for k in LOOKUPS if k.value == name), None)
    if kind is None:
        raise NotFound(f"no shareable kind {name!r}", {"kind": name})
    return kind


def _existing(session: Session, actor: Actor, kind: TargetKind, path: str, action: Action) -> None:
    LOOKUPS[kind](session, actor, path, action)


def list_shares(session: Session, actor: Actor, kind: TargetKind, path: str) -> list[GrantEntry]:
    """Who the item is shared with (anyone who may read the item may look)."""
    _existing(session, actor, kind, path, Action.READ)
    return grants.list_for(session, actor.ws_id, kind, path)


def share(session: Session, actor: Actor, kind: TargetKind, path: str,
          principal: Mapping[str, str | None], level: Level) -> list[GrantEntry]:
    """Give a user or group `level` on the item (needs Action.SHARE); returns the new shares."""
    _existing(session, actor, kind, path, Action.SHARE)
    who = grants.resolve(session, actor.ws_id, principal)
    grants.set_level(session, actor.ws_id, kind, path, who, level)
    audit.record_for(session, actor, "share.grant", path, kind=kind.value, principal=who.label,
                     level=level.value)
    return grants.list_for(session, actor.ws_id, kind, path)


def unshare(session: Session, actor: Actor, kind: TargetKind, path: str,
            principal: Mapping[str, str | None]) -> list[GrantEntry]:
    """Take a user's or group's share off the item (needs Action.SHARE); returns the rest."""
    _existing(session, actor, kind, path, Action.SHARE)
    who = grants.resolve(session, actor.ws_id, principal)
    grants.remove(session, actor.ws_id, kind, path, who)
    audit.record_for(session, actor, "share.revoke", path, kind=kind.value, principal=who.label)
    return grants.list_for(session, actor.ws_id, kind, path)
