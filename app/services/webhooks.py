"""Webhook settings of scripts and flows: an optional signing secret and the request parts
passed as args.

Every script and flow can already be run by its async and sync URLs with a run-scoped token;
these settings add to that. Reading them needs READ on the script or flow, changing them
WRITE. The secret is encrypted with the app's SecretBox (app.crypto), shown once when it is
created; creating a new one replaces the old at once (that is the rotation).
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor
from app.crypto import SecretBox
from app.errors import ValidationFailed
from app.models import TargetKind, Webhook, utcnow
from app.services import audit, flows, scripts

SECRET_PREFIX = "whsec_"
HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9-]{1,100}$")
NEVER_PASSED = frozenset({"authorization", "cookie", "proxy-authorization"})
"""Headers that carry the caller's credentials: never copied into a job's stored args."""
KINDS = (TargetKind.SCRIPT, TargetKind.FLOW)
"""What has webhook URLs."""


def target_of(path: str, kind: TargetKind = TargetKind.SCRIPT) -> str:
    """The run target naming a script or flow, as run tokens spell it (`flow/<path>`)."""
    return f"{kind.value}/{path}"


def _check_item(session: Session, actor: Actor, kind: TargetKind, path: str, action: Action) -> None:
    """The script or flow must exist and allow `action` (404 / 403 otherwise)."""
    if kind == TargetKind.FLOW:
        flows.latest(session, actor, path, action)
    else:
        scripts.latest(session, actor, path, action)


def find(session: Session, ws_id: str, target: str) -> Webhook | None:
    return session.scalars(select(Webhook).where(Webhook.workspace_id == ws_id,
                                                 Webhook.target == target)).first()


def get(session: Session, actor: Actor, path: str, action: Action = Action.READ,
        kind: TargetKind = TargetKind.SCRIPT) -> Webhook:
    """The settings of a script's or flow's webhook (unsaved defaults when it has none)."""
    _check_item(session, actor, kind, path, action)
    target = target_of(path, kind)
    found = find(session, actor.ws_id, target)
    return found or Webhook(workspace_id=actor.ws_id, target=target, pass_headers=[],
                            pass_query=False, updated_by=actor.name)


def _editable(session: Session, actor: Actor, path: str, kind: TargetKind) -> Webhook:
    webhook = get(session, actor, path, Action.WRITE, kind)
    webhook.updated_by, webhook.updated_at = actor.name, utcnow()
    if webhook.id is None:
        session.add(webhook)
    return webhook


def _header_names(names: list[str]) -> list[str]:
    bad = [n for n in names if not HEADER_NAME_RE.match(n) or n.lower() in NEVER_PASSED]
    if bad:
        raise ValidationFailed("these headers cannot be passed: " + ", ".join(bad), [
            {"field": "pass_headers", "message": f"{n!r} is not a header name that may be passed"}
            for n in bad])
    return sorted({n.lower() for n in names})


def configure(session: Session, actor: Actor, path: str, pass_headers: list[str],
              pass_query: bool, kind: TargetKind = TargetKind.SCRIPT) -> Webhook:
    """Choose which headers and whether the query string reach the script or flow as args."""
    webhook = _editable(session, actor, path, kind)
    webhook.pass_headers, webhook.pass_query = _header_names(pass_headers), pass_query
    audit.record_for(session, actor, "webhook.configure", path, kind=kind.value,
                     pass_headers=webhook.pass_headers, pass_query=pass_query)
    return webhook


def new_secret(session: Session, box: SecretBox, actor: Actor, path: str,
               kind: TargetKind = TargetKind.SCRIPT) -> tuple[Webhook, str]:
    """Turn signing on with a fresh secret (replacing any old one); returns it in clear, once."""
    webhook = _editable(session, actor, path, kind)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook.secret_encrypted, webhook.secret_created_at = box.encrypt(secret), utcnow()
    audit.record_for(session, actor, "webhook.secret", path, kind=kind.value)
    return webhook, secret


def remove_secret(session: Session, actor: Actor, path: str, kind: TargetKind = TargetKind.SCRIPT) -> Webhook:
    """Turn signing off: run-token requests need no signature any more."""
    webhook = _editable(session, actor, path, kind)
    webhook.secret_encrypted, webhook.secret_created_at = None, None
    audit.record_for(session, actor, "webhook.unsigned", path, kind=kind.value)
    return webhook


def secret_of(webhook: Webhook, box: SecretBox) -> str:
    return box.decrypt(webhook.secret_encrypted)


def rotate_all(session: Session, box: SecretBox) -> int:
    """Re-encrypt every signing secret with the newest key (`taskmill rotate-keys`)."""
    signed = list(session.scalars(select(Webhook).where(Webhook.secret_encrypted.is_not(None))))
    for webhook in signed:
        webhook.secret_encrypted = box.rotate(webhook.secret_encrypted)
    return len(signed)
