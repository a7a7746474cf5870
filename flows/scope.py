"""Where a step runs: its scope row (a flow, loop iteration or branch) and the rows above it.

A Scope is loaded at the start of each flow task, so a task needs only ids in its message:
everything else (the definition, the inputs, earlier results) is read from Postgres.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Flow, Job, JobKind, JobStatus
from flows.definition import FlowDefinition, FlowModule
from flows.errors import ExpressionError, StepError
from flows.rows import latest_attempt

MAX_DEPTH = 64
"""Rows above a step at most; deeper means runaway nesting (e.g. recursive sub-flows)."""
SCOPE_KINDS = (JobKind.FLOW, JobKind.ITERATION, JobKind.BRANCH)


DEFINITION_CACHE_SIZE = 512
_DEFINITIONS: dict[tuple[str, str], FlowDefinition] = {}
"""Flow versions never change, so each process parses a version once."""


def definition_of(session: Session, workspace_id: str, flow_hash: str) -> FlowDefinition:
    key = (workspace_id, flow_hash)
    if key not in _DEFINITIONS:
        flow = session.scalars(select(Flow).where(Flow.workspace_id == workspace_id,
                                                  Flow.hash == flow_hash)).one()
        if len(_DEFINITIONS) > DEFINITION_CACHE_SIZE:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = FlowDefinition.from_dict(
            {"summary": flow.summary, "description": flow.description, "schema": flow.schema,
             **flow.value})
    return _DEFINITIONS[key]


@dataclass
class Scope:
    """`rows[0]` is the row steps run in; the rest are its ancestors, up to the flow job."""

    rows: list[Job]
    definitions: dict[int, FlowDefinition] = field(default_factory=dict)

    @property
    def row(self) -> Job:
        return self.rows[0]

    @property
    def root(self) -> Job:
        return self.rows[-1]

    def flow_index(self, start: int = 0) -> int:
        """Index of the nearest flow row at or above `rows[start]`."""
        return next(i for i in range(start, len(self.rows)) if self.rows[i].kind == JobKind.FLOW)

    @property
    def flow_row(self) -> Job:
        return self.rows[self.flow_index()]

    def definition_at(self, index: int = 0) -> FlowDefinition:
        """The definition that `rows[index]` belongs to (its nearest flow row's version)."""
        return self.definitions[self.flow_index(index)]

    @property
    def definition(self) -> FlowDefinition:
        return self.definition_at(0)

    def halted(self, failure_path: bool = False) -> bool:
        """True when nothing more should run here: the flow ended, it or an enclosing
        sub-flow is handling a failure (except for the failure module itself), or an
        enclosing row already finished."""
        if self.root.status.finished:
            return True
        if not failure_path and any((row.flow_state or {}).get("failure")
                                    for row in self.rows if row.kind == JobKind.FLOW):
            return True
        return any(row.status.finished for row in self.rows[:-1])

    def container(self) -> FlowModule:
        """The module whose body this iteration or branch scope runs."""
        return self.definition_at(1).find(self.row.step_id)

    def modules(self) -> list[FlowModule]:
        """The modules that run, in order, in this scope."""
        if self.row.kind == JobKind.FLOW:
            return self.definition.modules
        from flows.modules import module_type
        container = self.container()
        return module_type(container.value.type).scope_modules(container.value, self.row.args)

    def inner(self, row: Job) -> "Scope":
        """The scope of `row`, a child of this scope's row."""
        return Scope([row, *self.rows], {i + 1: d for i, d in self.definitions.items()})

    def outer(self, levels: int) -> "Scope":
        """The scope `levels` rows up (its definitions re-indexed)."""
        return Scope(self.rows[levels:], {i - levels: d for i, d in self.definitions.items() if i >= levels})


def load_scope(db: Database, row_id: str) -> Scope:
    """The row and its ancestors, with the definitions of the flows among them."""
    with db.session() as session:
        return read_scope(session, row_id)


def read_scope(session: Session, row_id: str) -> Scope:
    """`load_scope` within a session the caller goes on using."""
    rows: list[Job] = []
    job = session.get(Job, row_id)
    while job is not None:
        rows.append(job)
        if len(rows) > MAX_DEPTH:
            raise StepError(f"flow nesting deeper than {MAX_DEPTH} levels", "nesting")
        job = session.get(Job, job.parent_job_id) if job.parent_job_id else None
    definitions = {i: definition_of(session, row.workspace_id, row.script_hash)
                   for i, row in enumerate(rows) if row.kind == JobKind.FLOW}
    if not rows:
        raise LookupError(row_id)
    return Scope(rows, definitions)


def step_result(session: Session, scope: Scope, step_id: str) -> Any:
    """`results.<step_id>` as seen from `scope`: the nearest run of that step, up to the flow."""
    for index, row in enumerate(scope.rows):
        if row.kind in SCOPE_KINDS:
            found = latest_attempt(session, row.id, step_id)
            if found is not None:
                if found.status != JobStatus.SUCCESS:
                    raise ExpressionError(f"results.{step_id}: step {step_id!r} has not succeeded "
                                          f"(it is {found.status.value})")
                return found.result
        if row.kind == JobKind.FLOW:
            break
    raise ExpressionError(f"results.{step_id}: no step {step_id!r} has run before this one")


def scope_input(session: Session, scope: Scope) -> Any:
    """What the first module of a scope sees as `previous_result`."""
    row = scope.row
    if row.kind == JobKind.FLOW:
        return row.args
    if row.kind == JobKind.ITERATION:
        return row.args.get("value")
    # a branch: what the branch module itself saw
    return previous_result(session, scope.outer(2), scope.rows[1].step_id)


def previous_result(session: Session, scope: Scope, step_id: str) -> Any:
    """The result of the module before `step_id` in its scope, or the scope's input."""
    modules = scope.modules()
    ids = [m.id for m in modules]
    if step_id not in ids or ids.index(step_id) == 0:
        return scope_input(session, scope) if step_id in ids else None
    before = latest_attempt(session, scope.row.id, ids[ids.index(step_id) - 1])
    return before.result if before is not None else None


def scope_result(session: Session, scope: Scope) -> Any:
    """A finished scope's result: its last module's result (its input if it has none)."""
    modules = scope.modules()
    if not modules:
        return scope_input(session, scope)
    last = latest_attempt(session, scope.row.id, modules[-1].id)
    return last.result if last is not None else None
