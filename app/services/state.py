"""State: one JSON value per key that runs keep between them, e.g. a cursor or a last-seen id.

The key of a script's runs is `script/<path>`; a schedule's runs keep theirs under
`schedule/<path>`. Reading and writing a key takes Action.RUN on its owner, so a job (whose
token has its runner's rights) may keep the state of what it runs.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, require
from app.errors import NotFound, ValidationFailed
from app.models import State, TargetKind, utcnow
from app.services import scripts
from app.services.paths import validate_path


def _runnable_script(session: Session, actor: Actor, path: str) -> None:
    scripts.latest(session, actor, path, Action.RUN, include_archived=True)


def _runnable_schedule(session: Session, actor: Actor, path: str) -> None:
    require(actor, Action.RUN, TargetKind.SCHEDULE, path)


OWNERS = {"script": _runnable_script, "schedule": _runnable_schedule}
"""Per key prefix: check that the actor may run the owner at `path` (404 / 403 otherwise)."""


def script_key(path: str) -> str:
    """The state key of a script's runs."""
    return f"script/{path}"


def key_of(trigger_kind: str, trigger_label: str, script_path: str) -> str:
    """The state key a job uses: its schedule's when a schedule started it, else its script's."""
    return f"schedule/{trigger_label}" if trigger_kind == "schedule" and trigger_label else script_key(script_path)


def _check(session: Session, actor: Actor, key: str) -> None:
    prefix, _, path = key.partition("/")
    if prefix not in OWNERS:
        raise ValidationFailed(f"malformed state key {key!r}", [{"field": "key", "message": "expected "
                               + " or ".join(f"{p}/<path>" for p in OWNERS)}])
    OWNERS[prefix](session, actor, validate_path(path))


def _find(session: Session, ws_id: str, key: str) -> State | None:
    return session.scalars(select(State).where(State.workspace_id == ws_id, State.key == key)).first()


def get(session: Session, actor: Actor, key: str) -> State:
    """The state at `key`; 404 when none was ever set."""
    _check(session, actor, key)
    state = _find(session, actor.ws_id, key)
    if state is None:
        raise NotFound(f"no state at {key!r}", {"key": key})
    return state


def put(session: Session, actor: Actor, key: str, value: Any) -> State:
    """Set the value at `key` (replacing any)."""
    _check(session, actor, key)
    state = _find(session, actor.ws_id, key)
    if state is None:
        state = State(workspace_id=actor.ws_id, key=key, value=value)
        session.add(state)
    state.value, state.updated_at = value, utcnow()
    session.flush()
    return state


def delete(session: Session, actor: Actor, key: str) -> None:
    """Forget the value at `key` (no error if there was none)."""
    _check(session, actor, key)
    state = _find(session, actor.ws_id, key)
    if state is not None:
        session.delete(state)
        session.flush()
