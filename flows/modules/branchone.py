"""`branchone`: run the first branch whose `expr` is true, else `default`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load

from app.models import Job, JobKind, JobStatus
from flows import compiler, rows
from flows.definition import FlowModule
from flows.errors import ExpressionError
from flows.expressions import truthy
from flows.modules.base import ModuleType
from flows.schema import modules_field
from flows.scope import scope_result

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flows.scope import Scope
    from flows.steps import StepRun

DEFAULT = "default"


@dataclass
class Branch:
    modules: list[FlowModule] = field(default_factory=list)
    expr: str = ""
    summary: str = ""
    skip_failure: bool = False
    """branchall only: a failure of this branch does not fail the module."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.summary:
            data["summary"] = self.summary
        if self.expr:
            data["expr"] = self.expr
        if self.skip_failure:
            data["skip_failure"] = True
        data["modules"] = [m.to_dict() for m in self.modules]
        return data


class ConditionalBranchSchema(Schema):
    expr = fields.String(required=True)
    summary = fields.String(load_default="")
    modules = modules_field(required=True)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> Branch:
        return Branch(**data)


@dataclass
class BranchOneValue:
    branches: list[Branch]
    default: list[FlowModule] = field(default_factory=list)
    type: str = "branchone"


class BranchOneSchema(Schema):
    branches = fields.List(fields.Nested(ConditionalBranchSchema), required=True)
    default = modules_field(load_default=list)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> BranchOneValue:
        return BranchOneValue(**data)


def open_branches(step: StepRun, row: Job, keys: list[int | str]) -> list[tuple[str, list[FlowModule]]]:
    """A scope row per branch to run (idempotent), with the modules each runs."""
    kind = step.kind
    scopes = []
    for key in keys:
        scope_id = rows.branch_row_id(row.id, key)
        rows.insert(step.db, scope_id, **rows.child_values(
            row, step.scope.root, kind=JobKind.BRANCH, status=JobStatus.RUNNING, step_id=step.module.id,
            language="branch", args={"branch": key}, flow_state={"branch": key}))
        scopes.append((scope_id, kind.scope_modules(step.module.value, {"branch": key})))
    return scopes


def branch_result(session: Session, scope: Scope) -> Any:
    """A branch's result, settling it first if still running; a failed one as `{"error"}`."""
    branch = scope.row
    if branch.status == JobStatus.FAILURE:
        return {"error": branch.error}
    if branch.status in rows.LIVE:
        result = scope_result(session, scope)
        rows.finish(session, branch, JobStatus.SUCCESS, result=result)
        return result
    return branch.result


class BranchOne(ModuleType):
    type = "branchone"
    value_schema = BranchOneSchema

    def to_dict(self, value: BranchOneValue) -> dict[str, Any]:
        return {"branches": [b.to_dict() for b in value.branches],
                "default": [m.to_dict() for m in value.default]}

    def sequences(self, value: BranchOneValue) -> list[tuple[str, list[FlowModule]]]:
        return [*((f"branches[{i}].modules", b.modules) for i, b in enumerate(value.branches)),
                ("default", value.default)]

    def expressions(self, value: BranchOneValue) -> list[tuple[str, str]]:
        return [(f"branches[{i}].expr", b.expr) for i, b in enumerate(value.branches)]

    def scope_modules(self, value: BranchOneValue, args: dict[str, Any]) -> list[FlowModule]:
        key = args["branch"]
        return value.default if key == DEFAULT else value.branches[key].modules

    def start(self, step: StepRun) -> Job:
        value: BranchOneValue = step.module.value
        context = step.context()
        try:
            chosen = next((i for i, b in enumerate(value.branches)
                           if truthy(b.expr, context, f"module {step.module.id!r}, branches[{i}].expr")),
                          DEFAULT)
        except ExpressionError as exc:
            return step.fail_before_run(exc)
        row = step.insert_row(kind=JobKind.STEP, status=JobStatus.RUNNING, flow_state={"branch": chosen})
        return self.resume(step, row)

    def resume(self, step: StepRun, row: Job) -> Job:
        scopes = open_branches(step, row, [row.flow_state["branch"]])
        step.expand(compiler.branches(row.id, scopes, False, step.queue))

    def collect(self, session: Session, scope: Scope, row: Job) -> Any:
        branch = rows.children(session, row.id, JobKind.BRANCH)[0]
        return branch_result(session, scope.inner(branch))
