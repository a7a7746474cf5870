"""Scripts: versioned by content hash, addressed by workspace and path."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.introspection import parse_parameters
from app.models import Script
from app.services.paths import validate_path

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


def content_hash(ws_id: str, path: str, draft: ScriptDraft) -> str:
    """Hash of everything that defines a version, so identical saves are one version."""
    payload = json.dumps([ws_id, path, draft.language, draft.content, draft.summary,
                          draft.description, draft.tag, draft.timeout_s])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def latest(session: Session, ws_id: str, path: str, *, include_archived: bool = False) -> Script:
    query = select(Script).where(Script.workspace_id == ws_id, Script.path == path)
    script = session.scalars(query.order_by(Script.id.desc())).first()
    if script is None or (script.archived and not include_archived):
        raise NotFound(f"script {path!r} not found", {"path": path})
    return script


def by_hash(session: Session, ws_id: str, script_hash: str) -> Script:
    script = session.scalars(select(Script).where(
        Script.workspace_id == ws_id, Script.hash == script_hash)).first()
    if script is None:
        raise NotFound(f"script version {script_hash!r} not found", {"hash": script_hash})
    return script


def _exists(session: Session, ws_id: str, path: str) -> bool:
    try:
        latest(session, ws_id, path)
    except NotFound:
        return False
    return True


def _insert(session: Session, ws_id: str, path: str, draft: ScriptDraft, author: str,
            parent: Script | None) -> Script:
    schema = parse_parameters(draft.language, draft.content)
    digest = content_hash(ws_id, path, draft)
    if parent is not None and parent.hash == digest and not parent.archived:
        return parent
    script = Script(workspace_id=ws_id, path=path, hash=digest,
                    parent_hash=parent.hash if parent else None, schema=schema,
                    created_by=author, **draft.__dict__)
    session.add(script)
    session.flush()
    return script


def create(session: Session, ws_id: str, path: str, draft: ScriptDraft, author: str) -> Script:
    """First version of a new path; 409 if the path is taken."""
    validate_path(path)
    if _exists(session, ws_id, path):
        raise Conflict(f"a script already exists at {path!r}", {"path": path})
    return _insert(session, ws_id, path, draft, author, parent=None)


def update(session: Session, ws_id: str, path: str, draft: ScriptDraft, author: str,
           parent_hash: str | None = None) -> Script:
    """A new version of an existing path (unchanged content returns the current version).

    With `parent_hash`, refuse to overwrite a version saved by someone else meanwhile.
    """
    current = latest(session, ws_id, path)
    if parent_hash is not None and parent_hash != current.hash:
        raise Conflict("the script changed since you loaded it",
                       {"expected_parent": parent_hash, "latest": current.hash})
    return _insert(session, ws_id, path, draft, author, parent=current)


def list_latest(session: Session, ws_id: str, *, path_prefix: str = "",
                include_archived: bool = False) -> list[Script]:
    newest = (select(Script.path, func.max(Script.id).label("id"))
              .where(Script.workspace_id == ws_id).group_by(Script.path).subquery())
    query = select(Script).join(newest, Script.id == newest.c.id)
    if path_prefix:
        query = query.where(Script.path.startswith(path_prefix, autoescape=True))
    if not include_archived:
        query = query.where(Script.archived.is_(False))
    return list(session.scalars(query.order_by(Script.path)))


def versions(session: Session, ws_id: str, path: str) -> list[Script]:
    latest(session, ws_id, path, include_archived=True)
    query = select(Script).where(Script.workspace_id == ws_id, Script.path == path)
    return list(session.scalars(query.order_by(Script.id.desc())))


def archive(session: Session, ws_id: str, path: str) -> Script:
    """Hide a path from lists and runs; its versions and jobs stay for audit."""
    script = latest(session, ws_id, path)
    for version in versions(session, ws_id, path):
        version.archived = True
    return script

