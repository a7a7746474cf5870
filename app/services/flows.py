"""Flows: versioned by content hash, addressed by workspace and path (like scripts).

Saving validates the definition in three layers: its structure (flows.schema), the flow as
a whole (flows.validation), and its references to other items here: scripts and sub-flows
must exist and be readable by the author, and no flow may reach itself through sub-flows.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authz import Action, Actor, can, require, require_create
from app.errors import Conflict, NotFound
from app.models import Flow, Script, TargetKind
from app.services import audit, folders, versioned
from app.services.paths import validate_path
from flows.definition import FlowDefinition
from flows.errors import FlowInvalid
from flows.schema import load_definition, summarize
from flows.source import definition_from_text
from flows.validation import validate

KIND = TargetKind.FLOW


def parse(data: dict[str, Any] | None = None, source: str | None = None) -> FlowDefinition:
    """A validated definition from plain data or from YAML/JSON text (problems then carry
    the line and column where they are)."""
    if source is not None:
        return definition_from_text(source)
    return validate(load_definition(data))


def definition_of(flow: Flow) -> FlowDefinition:
    return load_definition({"summary": flow.summary, "description": flow.description,
                            "schema": flow.schema, **flow.value})


def content_hash(ws_id: str, path: str, definition: FlowDefinition) -> str:
    """Hash of everything that defines a version, so identical saves are one version."""
    payload = json.dumps([ws_id, path, definition.to_dict()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def present(actor: Actor, flow: Flow) -> Flow:
    """Mark whether the actor may see the modules (they hold code)."""
    flow.code_visible = can(actor, Action.READ_CODE, KIND, flow.path)
    return flow


def _newest(session: Session, ws_id: str, path: str) -> Flow | None:
    return versioned.newest(session, Flow, ws_id, path)


def latest_version(session: Session, ws_id: str, path: str) -> Flow:
    """The latest live version at `path`, with no access check (callers check first)."""
    flow = _newest(session, ws_id, path)
    if flow is None or flow.archived:
        raise NotFound(f"flow {path!r} not found", {"path": path})
    return flow


def latest(session: Session, actor: Actor, path: str, action: Action = Action.READ, *,
           include_archived: bool = False) -> Flow:
    """The latest version at `path`, if the actor may do `action` with it."""
    require(actor, action, KIND, path)
    flow = _newest(session, actor.ws_id, path)
    if flow is None or (flow.archived and not include_archived):
        raise NotFound(f"flow {path!r} not found", {"path": path})
    return present(actor, flow)


def by_hash(session: Session, actor: Actor, flow_hash: str, action: Action = Action.READ) -> Flow:
    query = select(Flow).where(Flow.workspace_id == actor.ws_id, Flow.hash == flow_hash)
    flow = session.scalars(query).first()
    if flow is None or not can(actor, Action.READ, KIND, flow.path):
        raise NotFound(f"flow version {flow_hash!r} not found", {"hash": flow_hash})
    require(actor, action, KIND, flow.path)
    return present(actor, flow)


def check_references(session: Session, actor: Actor, path: str, definition: FlowDefinition) -> None:
    """Scripts and sub-flows must exist for the author; no cycle through sub-flows."""
    problems = list(_reference_problems(session, actor, path, definition))
    if problems:
        raise FlowInvalid(summarize(problems), problems)


def _reference_problems(session: Session, actor: Actor, path: str,
                        definition: FlowDefinition) -> Iterator[dict[str, Any]]:
    for placed in definition.placed():
        value, module_id = placed.module.value, placed.module.id
        if value.type == "script" and not _script_exists(session, actor, value.path, value.hash):
            what = f"version {value.hash!r} of script" if value.hash else "script"
            yield {"field": f"{placed.path}.value.{'hash' if value.hash else 'path'}", "module": module_id,
                   "message": f"{what} {value.path!r} not found"}
        if value.type == "flow":
            cycle = _cycle(session, actor.ws_id, path, value.path, definition)
            if cycle:
                yield {"field": f"{placed.path}.value.path", "module": module_id,
                       "message": f"cyclic sub-flow reference: {' → '.join(cycle)}"}
            elif value.path != path and not _flow_exists(session, actor, value.path):
                yield {"field": f"{placed.path}.value.path", "module": module_id,
                       "message": f"flow {value.path!r} not found"}


def _script_exists(session: Session, actor: Actor, path: str, script_hash: str | None) -> bool:
    if not can(actor, Action.READ, TargetKind.SCRIPT, path):
        return False
    query = select(Script.id).where(Script.workspace_id == actor.ws_id, Script.path == path,
                                    Script.archived.is_(False))
    if script_hash:
        query = query.where(Script.hash == script_hash)
    return session.scalar(query.limit(1)) is not None


def _flow_exists(session: Session, actor: Actor, path: str) -> bool:
    flow = _newest(session, actor.ws_id, path)
    return flow is not None and not flow.archived and can(actor, Action.READ, KIND, path)


def _subflow_paths(definition: FlowDefinition) -> list[str]:
    return [p.module.value.path for p in definition.placed() if p.module.value.type == "flow"]


def _cycle(session: Session, ws_id: str, saving: str, start: str,
           definition: FlowDefinition) -> list[str] | None:
    """The chain saving → start → ... → saving, if the saved definition would close one."""
    def children(path: str) -> list[str]:
        if path == saving:
            return _subflow_paths(definition)
        flow = _newest(session, ws_id, path)
        return _subflow_paths(definition_of(flow)) if flow is not None and not flow.archived else []

    stack, seen = [(start, [saving, start])], set()
    while stack:
        path, trail = stack.pop()
        if path == saving:
            return trail
        if path in seen:
            continue
        seen.add(path)
        stack.extend((child, [*trail, child]) for child in children(path))
    return None


def _insert(session: Session, actor: Actor, path: str, definition: FlowDefinition,
            parent: Flow | None) -> Flow:
    check_references(session, actor, path, definition)
    digest = content_hash(actor.ws_id, path, definition)
    if parent is not None and parent.hash == digest and not parent.archived:
        return present(actor, parent)
    flow = Flow(workspace_id=actor.ws_id, path=path, hash=digest,
                parent_hash=parent.hash if parent else None, summary=definition.summary,
                description=definition.description, schema=definition.schema,
                value=definition.value_dict(), created_by=actor.name)
    session.add(flow)
    session.flush()
    audit.record_for(session, actor, "flow.save", path, hash=digest, parent=flow.parent_hash)
    return present(actor, flow)


def create(session: Session, actor: Actor, path: str, definition: FlowDefinition) -> Flow:
    """First version of a new path; 409 if the path is taken."""
    validate_path(path)
    require_create(actor, KIND, path)
    newest = _newest(session, actor.ws_id, path)
    if newest is not None and not newest.archived:
        raise Conflict(f"a flow already exists at {path!r}", {"path": path})
    folders.ensure_for_path(session, actor, path)
    return _insert(session, actor, path, definition, parent=None)


def update(session: Session, actor: Actor, path: str, definition: FlowDefinition,
           parent_hash: str | None = None) -> Flow:
    """A new version of an existing path; with `parent_hash`, refuse to overwrite a version
    saved by someone else meanwhile."""
    current = latest(session, actor, path, Action.WRITE)
    if parent_hash is not None and parent_hash != current.hash:
        raise Conflict("the flow changed since you loaded it",
                       {"expected_parent": parent_hash, "latest": current.hash})
    return _insert(session, actor, path, definition, parent=current)


def list_latest(session: Session, actor: Actor, *, path_prefix: str = "",
                include_archived: bool = False) -> list[Flow]:
    """Latest version of every flow the actor may read."""
    flows = versioned.newest_per_path(session, Flow, actor.ws_id, path_prefix=path_prefix,
                                      include_archived=include_archived)
    return [present(actor, f) for f in flows if can(actor, Action.READ, KIND, f.path)]


def versions(session: Session, actor: Actor, path: str) -> list[Flow]:
    """Every version at `path`, newest first (they hold code: readers of code only)."""
    latest(session, actor, path, Action.READ_CODE, include_archived=True)
    return [present(actor, f) for f in versioned.all_versions(session, Flow, actor.ws_id, path)]


def archive(session: Session, actor: Actor, path: str) -> Flow:
    """Hide a path from lists and runs; its versions and runs stay for audit."""
    flow = latest(session, actor, path, Action.WRITE)
    for version in versions(session, actor, path):
        version.archived = True
    audit.record_for(session, actor, "flow.archive", path)
    return flow
