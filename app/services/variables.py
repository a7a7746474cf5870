"""Variables and secrets: path-addressed strings, checked by app.authz exactly like scripts.

A secret's value is stored only encrypted (app.crypto) and is decrypted for a caller who may
read it, which for secrets means Action.READ_CODE: operators may see that a secret exists
and use it in the runs they start, but never read its value.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, require, require_create
from app.crypto import SecretBox
from app.errors import Conflict, NotFound
from app.models import TargetKind, Variable, utcnow
from app.services import audit, folders, grants
from app.services.paths import validate_path
from app.services.secret_reads import SecretReads

KIND = TargetKind.VARIABLE


@dataclass
class VariableDraft:
    """The fields of a new variable."""

    value: str
    is_secret: bool = False
    description: str = ""


def value_action(variable: Variable) -> Action:
    """What reading the value takes: READ for plain variables, READ_CODE for secrets."""
    return Action.READ_CODE if variable.is_secret else Action.READ


def plain_value(variable: Variable, box: SecretBox) -> str:
    """The value in clear (decrypting a secret); callers check the actor first."""
    return box.decrypt(variable.value_encrypted) if variable.is_secret else variable.value


def present(actor: Actor, variable: Variable, box: SecretBox | None = None) -> Variable:
    """Set `shown_value`, what serializers show: plain values always, a secret's value only
    with a `box` (single reads, never lists) and only to a caller who may read it."""
    variable.shown_value = None if variable.is_secret else variable.value
    if variable.is_secret and box is not None and can(actor, Action.READ_CODE, KIND, variable.path):
        variable.shown_value = box.decrypt(variable.value_encrypted)
    return variable


def _find(session: Session, ws_id: str, path: str) -> Variable | None:
    return session.scalars(select(Variable).where(
        Variable.workspace_id == ws_id, Variable.path == path)).first()


def get(session: Session, actor: Actor, path: str, action: Action = Action.READ) -> Variable:
    """The variable at `path` if the actor may do `action` with it (404 / 403 otherwise)."""
    require(actor, action, KIND, path)
    variable = _find(session, actor.ws_id, path)
    if variable is None:
        raise NotFound(f"variable {path!r} not found", {"path": path})
    return variable


def read(session: Session, actor: Actor, box: SecretBox, path: str,
         reads: SecretReads | None = None) -> Variable:
    """One variable as a user reads it; revealing a secret's value is audited, and noted in
    `reads` when a job's token reads it (its worker then masks it in the job's output)."""
    variable = present(actor, get(session, actor, path), box)
    if variable.is_secret and variable.shown_value is not None:
        audit.record_for(session, actor, "variable.read_secret", path)
        if reads is not None:
            reads.note(actor, variable)
    return variable


def read_value(session: Session, actor: Actor, box: SecretBox, path: str,
               reads: SecretReads | None = None) -> tuple[Variable, str]:
    """The variable and its clear value, if the actor may read that value (a secret read by a
    job's token is noted in `reads`)."""
    variable = get(session, actor, path)
    require(actor, value_action(variable), KIND, path)
    value = plain_value(variable, box)
    if reads is not None:
        reads.note(actor, variable)
    return variable, value


def _set_value(variable: Variable, value: str, is_secret: bool, box: SecretBox) -> None:
    variable.is_secret = is_secret
    variable.value = None if is_secret else value
    variable.value_encrypted = box.encrypt(value) if is_secret else None


def create(session: Session, actor: Actor, box: SecretBox, path: str, draft: VariableDraft) -> Variable:
    """A new variable at `path`; 409 if the path is taken."""
    validate_path(path)
    require_create(actor, KIND, path)
    if _find(session, actor.ws_id, path) is not None:
        raise Conflict(f"a variable already exists at {path!r}", {"path": path})
    folders.ensure_for_path(session, actor, path)
    variable = Variable(workspace_id=actor.ws_id, path=path, description=draft.description,
                        created_by=actor.name, updated_by=actor.name)
    _set_value(variable, draft.value, draft.is_secret, box)
    session.add(variable)
    session.flush()
    audit.record_for(session, actor, "variable.create", path, secret=draft.is_secret)
    return present(actor, variable)


def update(session: Session, actor: Actor, box: SecretBox, path: str, *, value: str | None = None,
           is_secret: bool | None = None, description: str | None = None) -> Variable:
    """Change what is given; turning a secret plain (or back) re-stores its current value."""
    variable = get(session, actor, path, Action.WRITE)
    secret = variable.is_secret if is_secret is None else is_secret
    if value is not None or secret != variable.is_secret:
        _set_value(variable, plain_value(variable, box) if value is None else value, secret, box)
    if description is not None:
        variable.description = description
    variable.updated_by, variable.updated_at = actor.name, utcnow()
    session.flush()
    audit.record_for(session, actor, "variable.update", path, secret=variable.is_secret,
                     value_changed=value is not None)
    return present(actor, variable)


def delete(session: Session, actor: Actor, path: str) -> None:
    """Delete the variable and its shares (a later variable at the path starts unshared)."""
    variable = get(session, actor, path, Action.WRITE)
    grants.remove_for_target(session, actor.ws_id, KIND, path)
    session.delete(variable)
    session.flush()
    audit.record_for(session, actor, "variable.delete", path)


def list_variables(session: Session, actor: Actor, *, path_prefix: str = "") -> list[Variable]:
    """Every variable the actor may read, by path; secret values are never included."""
    query = select(Variable).where(Variable.workspace_id == actor.ws_id)
    if path_prefix:
        query = query.where(Variable.path.startswith(path_prefix, autoescape=True))
    rows = session.scalars(query.order_by(Variable.path))
    return [present(actor, v) for v in rows if can(actor, Action.READ, KIND, v.path)]


def rotate_all(session: Session, box: SecretBox) -> int:
    """Re-encrypt every secret of every workspace with the newest key; returns how many."""
    secrets = list(session.scalars(select(Variable).where(Variable.is_secret.is_(True))))
    for variable in secrets:
        variable.value_encrypted = box.rotate(variable.value_encrypted)
    session.flush()
    return len(secrets)
