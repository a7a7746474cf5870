"""`forloopflow`: run its modules once per item of `iterator`, in order or in parallel.

Each iteration is a row (`iter.value`, `iter.index`) whose steps hang under it. In parallel,
at most `parallelism` iterations run at once (lanes of a chord, see flows.compiler). Without
a `parallelism`, a body that may wait without holding a worker (an approval, a sleep, a
retry's backoff, a container or sub-flow) gets a lane per item, so every item can wait at
once; a body of plain code steps gets `flow_lanes` lanes (settings), since no more of its
steps can run at once than there are worker processes, and each extra lane is a task.
With `skip_failures`, a failed iteration is recorded in the result and the loop goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load, validate

from app.models import Job, JobKind, JobStatus
from flows import compiler, rows
from flows.definition import FlowModule, InputTransform
from flows.errors import ExpressionError, StepError
from flows.modules.base import ModuleType
from flows.schema import InputTransformSchema, modules_field
from flows.scope import scope_result

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flows.scope import Scope
    from flows.steps import StepRun

MAX_PARALLELISM = 1000


@dataclass
class ForLoopValue:
    iterator: InputTransform
    modules: list[FlowModule] = field(default_factory=list)
    parallel: bool = False
    parallelism: int | None = None
    skip_failures: bool = False
    type: str = "forloopflow"


class ForLoopSchema(Schema):
    iterator = fields.Nested(InputTransformSchema, required=True)
    modules = modules_field(required=True)
    parallel = fields.Boolean(load_default=False)
    parallelism = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_PARALLELISM))
    skip_failures = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> ForLoopValue:
        return ForLoopValue(**data)


class ForLoop(ModuleType):
    type = "forloopflow"
    value_schema = ForLoopSchema
    is_loop = True

    def to_dict(self, value: ForLoopValue) -> dict[str, Any]:
        data: dict[str, Any] = {"iterator": value.iterator.to_dict(),
                                "modules": [m.to_dict() for m in value.modules]}
        if value.parallel:
            data["parallel"] = True
        if value.parallelism is not None:
            data["parallelism"] = value.parallelism
        if value.skip_failures:
            data["skip_failures"] = True
        return data

    def sequences(self, value: ForLoopValue) -> list[tuple[str, list[FlowModule]]]:
        return [("modules", value.modules)]

    def expressions(self, value: ForLoopValue) -> list[tuple[str, str]]:
        return [("iterator.expr", value.iterator.expr)] if value.iterator.type == "expr" else []

    def scope_modules(self, value: ForLoopValue, args: dict[str, Any]) -> list[FlowModule]:
        return value.modules

    def tolerates(self, value: ForLoopValue, args: dict[str, Any]) -> bool:
        return value.skip_failures

    def start(self, step: StepRun) -> Job:
        value: ForLoopValue = step.module.value
        try:
            items = step.evaluate(value.iterator, "iterator")
            if not isinstance(items, list):
                raise StepError(f"the iterator of loop {step.module.id!r} must be a list, "
                                f"not {_json_type(items)}", "iterator")
        except (ExpressionError, StepError) as exc:
            return step.fail_before_run(exc)
        lanes = _lanes(value, len(items), step.ctx.settings.flow_lanes)
        row = step.insert_row(kind=JobKind.STEP, status=JobStatus.RUNNING, args={"iterator": items},
                              flow_state={"count": len(items), "lanes": lanes})
        if not items:
            with step.db.session() as session:
                rows.finish(session, row, JobStatus.SUCCESS, result=[])
            return step.reload(row)
        return self.resume(step, row)

    def resume(self, step: StepRun, row: Job) -> Job:
        count = row.flow_state["count"]
        lanes = row.flow_state.get("lanes") or _lanes(step.module.value, count, step.ctx.settings.flow_lanes)
        step.expand(compiler.loop(row.id, count, lanes, step.queue))

    def collect(self, session: Session, scope: Scope, row: Job) -> list[Any]:
        """The iterations' results in order; a tolerated failure as `{"error": ...}`."""
        iterations = sorted(rows.children(session, row.id, JobKind.ITERATION), key=lambda r: r.args["index"])
        return [settle_iteration(session, scope.inner(it)) for it in iterations]


def settle_iteration(session: Session, scope: Scope) -> Any:
    """An iteration's result, settling it first if it is still running."""
    iteration = scope.row
    if iteration.status == JobStatus.FAILURE:
        return {"error": iteration.error}
    if iteration.status in rows.LIVE:
        result = scope_result(session, scope)
        rows.finish(session, iteration, JobStatus.SUCCESS, result=result)
        return result
    return iteration.result


def _lanes(value: ForLoopValue, count: int, default: int) -> int:
    """How many iterations run at once (see the module's docstring)."""
    if not value.parallel:
        return 1
    if value.parallelism is not None:
        return value.parallelism
    return count if any(_may_wait(m) for m in value.modules) else max(1, default)


def _may_wait(module: FlowModule) -> bool:
    from flows.modules import module_type
    kind = module_type(module.value.type)
    plain = kind.runs_code or module.value.type == "identity"
    return not plain or module.suspend is not None or bool(module.sleep) or module.retry is not None


def _json_type(value: Any) -> str:
    names = {dict: "an object", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
