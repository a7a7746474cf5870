"""`branchall`: run every branch, one after another or in parallel; the result is the list
of the branches' results. A branch with `skip_failure` may fail without failing the rest."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load

from app.models import Job, JobKind, JobStatus
from flows import compiler, rows
from flows.definition import FlowModule
from flows.modules.base import ModuleType
from flows.modules.branchone import Branch, branch_result, open_branches
from flows.schema import modules_field

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flows.scope import Scope
    from flows.steps import StepRun


class BranchSchema(Schema):
    summary = fields.String(load_default="")
    skip_failure = fields.Boolean(load_default=False)
    modules = modules_field(required=True)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> Branch:
        return Branch(**data)


@dataclass
class BranchAllValue:
    branches: list[Branch]
    parallel: bool = False
    type: str = "branchall"


class BranchAllSchema(Schema):
    branches = fields.List(fields.Nested(BranchSchema), required=True)
    parallel = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> BranchAllValue:
        return BranchAllValue(**data)


class BranchAll(ModuleType):
    type = "branchall"
    value_schema = BranchAllSchema

    def to_dict(self, value: BranchAllValue) -> dict[str, Any]:
        data: dict[str, Any] = {"branches": [b.to_dict() for b in value.branches]}
        return {**data, "parallel": True} if value.parallel else data

    def sequences(self, value: BranchAllValue) -> list[tuple[str, list[FlowModule]]]:
        return [(f"branches[{i}].modules", b.modules) for i, b in enumerate(value.branches)]

    def scope_modules(self, value: BranchAllValue, args: dict[str, Any]) -> list[FlowModule]:
        return value.branches[args["branch"]].modules

    def tolerates(self, value: BranchAllValue, args: dict[str, Any]) -> bool:
        return value.branches[args["branch"]].skip_failure

    def start(self, step: StepRun) -> Job:
        row = step.insert_row(kind=JobKind.STEP, status=JobStatus.RUNNING)
        return self.resume(step, row)

    def resume(self, step: StepRun, row: Job) -> Job:
        value: BranchAllValue = step.module.value
        if not value.branches:
            with step.db.session() as session:
                rows.finish(session, row, JobStatus.SUCCESS, result=[])
            return step.reload(row)
        scopes = open_branches(step, row, list(range(len(value.branches))))
        step.expand(compiler.branches(row.id, scopes, value.parallel, step.queue))

    def collect(self, session: Session, scope: Scope, row: Job) -> list[Any]:
        branches = sorted(rows.children(session, row.id, JobKind.BRANCH), key=lambda r: r.args["branch"])
        return [branch_result(session, scope.inner(branch)) for branch in branches]
