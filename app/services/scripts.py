"""Scripts: versioned by content hash, addressed by workspace and path."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, require, require_create
from app.errors import Conflict, NotFound
from app.introspection import parse_parameters
from app.models import Script, TargetKind
from app.services import audit, folders, versioned
from app.services.paths import validate_path

KIND = TargetKind.SCRIPT

TAG_MAX = 64


@dataclass
class ScriptDraft:
    """The editable fields of a script version."""

    language: str
    content: str
    summary: str = ""
    description: str = ""
    tag: str = "default"
    timeout_s: float | None = None
    isolation: str = ""
    """`container`, `warm` (see worker/sandbox/warm.py) or empty: the worker group's default."""


def content_hash(ws_id: str, path: str, draft: ScriptDraft) -> str:
    """Hash of everything that defines a version, so identical saves are one version."""
    payload = json.dumps([ws_id, path, draft.language, draft.content, draft.summary,
                          draft.description, draft.tag, draft.timeout_s, draft.isolation])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def present(actor: Actor, script: Script) -> Script:
    """Mark whether the actor may see the code (serializers leave it out otherwise)."""
    script.code_visible = can(actor, Action.READ_CODE, KIND, script.path)
    return script


def _newest(session: Session, ws_id: str, path: str) -> Script | None:
    return versioned.newest(session, Script, ws_id, path)


def latest(session: Session, actor: Actor, path: str, action: Action = Action.READ, *,
           include_archived: bool = False) -> Script:
    """The latest version at `path`, if the actor may do `action` with it."""
    require(actor, action, KIND, path)
    script = _newest(session, actor.ws_id, path)
    if script is None or (script.archived and not include_archived):
        raise NotFound(f"script {path!r} not found", {"path": path})
    return present(actor, script)


def by_hash(session: Session, actor: Actor, script_hash: str, action: Action = Action.READ) -> Script:
    script = session.scalars(select(Script).where(
        Script.workspace_id == actor.ws_id, Script.hash == script_hash)).first()
    if script is None or not can(actor, Action.READ, KIND, script.path):
        raise NotFound(f"script version {script_hash!r} not found", {"hash": script_hash})
    require(actor, action, KIND, script.path)
    return present(actor, script)


def _exists(session: Session, ws_id: str, path: str) -> bool:
    script = _newest(session, ws_id, path)
    return script is not None and not script.archived


def _insert(session: Session, actor: Actor, path: str, draft: ScriptDraft,
            parent: Script | None) -> Script:
    schema = parse_parameters(draft.language, draft.content)
    digest = content_hash(actor.ws_id, path, draft)
    if parent is not None and parent.hash == digest and not parent.archived:
        return present(actor, parent)
    script = Script(workspace_id=actor.ws_id, path=path, hash=digest,
                    parent_hash=parent.hash if parent else None, schema=schema,
                    created_by=actor.name, **draft.__dict__)
    session.add(script)
    session.flush()
    audit.record_for(session, actor, "script.save", path, hash=digest, parent=script.parent_hash)
    return present(actor, script)


def create(session: Session, actor: Actor, path: str, draft: ScriptDraft) -> Script:
    """First version of a new path; 409 if the path is taken."""
    validate_path(path)
    require_create(actor, KIND, path)
    if _exists(session, actor.ws_id, path):
        raise Conflict(f"a script already exists at {path!r}", {"path": path})
    folders.ensure_for_path(session, actor, path)
    return _insert(session, actor, path, draft, parent=None)


def update(session: Session, actor: Actor, path: str, draft: ScriptDraft,
           parent_hash: str | None = None) -> Script:
    """A new version of an existing path (unchanged content returns the current version).

    With `parent_hash`, refuse to overwrite a version saved by someone else meanwhile.
    """
    current = latest(session, actor, path, Action.WRITE)
    if parent_hash is not None and parent_hash != current.hash:
        raise Conflict("the script changed since you loaded it",
                       {"expected_parent": parent_hash, "latest": current.hash})
    return _insert(session, actor, path, draft, parent=current)


def list_latest(session: Session, actor: Actor, *, path_prefix: str = "",
                include_archived: bool = False) -> list[Script]:
    """Latest version of every script the actor may read."""
    scripts = versioned.newest_per_path(session, Script, actor.ws_id, path_prefix=path_prefix,
                                        include_archived=include_archived)
    return [present(actor, s) for s in scripts if can(actor, Action.READ, KIND, s.path)]


def versions(session: Session, actor: Actor, path: str) -> list[Script]:
    """Every version at `path`, newest first (they carry code: readers of code only)."""
    latest(session, actor, path, Action.READ_CODE, include_archived=True)
    return [present(actor, s) for s in versioned.all_versions(session, Script, actor.ws_id, path)]


def archive(session: Session, actor: Actor, path: str) -> Script:
    """Hide a path from lists and runs; its versions and jobs stay for audit."""
    script = latest(session, actor, path, Action.WRITE)
    for version in versions(session, actor, path):
        version.archived = True
    audit.record_for(session, actor, "script.archive", path)
    return script
