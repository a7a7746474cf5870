"""`flow`: another flow, by path, run as one step; its result is the step's result.

The sub-flow's row is a flow row of its own (its steps hang under it), so it runs with the
same machinery as a top-level flow, and with the rights of the top-level flow's runner.

When a step of the sub-flow fails, the sub-flow's own `failure_module` runs first (see
flows.failures); meanwhile the calling step waits, and the sub-flow's finalize passes the
failure on to the caller, whose flow then runs its own failure module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load

from app.authz import Action, require
from app.errors import Forbidden, NotFound, TaskmillError
from app.models import Job, JobKind, JobStatus, TargetKind
from app.services.args import validate_args
from flows import compiler
from flows.definition import DEFAULT_TAG
from flows.errors import StepError
from flows.modules.base import ModuleType
from flows.modules.script import runner_actor

if TYPE_CHECKING:
    from flows.steps import StepRun


@dataclass
class SubFlowValue:
    path: str
    type: str = "flow"


class SubFlowSchema(Schema):
    path = fields.String(required=True)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> SubFlowValue:
        return SubFlowValue(**data)


class SubFlow(ModuleType):
    type = "flow"
    value_schema = SubFlowSchema
    takes_inputs = True

    def to_dict(self, value: SubFlowValue) -> dict[str, Any]:
        return {"path": value.path}

    def start(self, step: StepRun) -> Job:
        from app.services.flows import latest_version
        path = step.module.value.path
        try:
            above = [row.script_path for row in step.scope.rows if row.kind == JobKind.FLOW]
            if path in above:
                raise StepError(f"cyclic sub-flow: {' → '.join(reversed(above))} → {path}", "cycle")
            with step.db.session() as session:
                actor = runner_actor(session, step.scope.root)
                try:
                    require(actor, Action.RUN, TargetKind.FLOW, path)
                    flow = latest_version(session, actor.ws_id, path)
                except (Forbidden, NotFound):
                    raise StepError(f"{actor.name} may not run flow {path!r}, or it does not exist",
                                    "forbidden") from None
            args = validate_args(flow.schema, step.evaluate_args())
        except TaskmillError as exc:
            return step.fail_before_run(exc, kind=JobKind.FLOW, language="flow")
        row = step.insert_row(kind=JobKind.FLOW, status=JobStatus.RUNNING, language="flow", args=args,
                              script_path=flow.path, script_hash=flow.hash,
                              queue=flow.value.get("tag", DEFAULT_TAG))
        return self.resume(step, row)

    def resume(self, step: StepRun, row: Job) -> Job:
        from flows.scope import load_scope
        if _handling_failure(row):
            step.wait_for_other()  # its failure module runs; its finalize settles the row
        definition = load_scope(step.db, row.id).definition
        step.expand(compiler.sequence(row.id, definition.modules, row.queue))

    def failed(self, step: StepRun, row: Job) -> None:
        """A sub-flow that handled its failure (ran its failure module) passed it up itself."""
        if not _handling_failure(row):
            step.pass_up(row)


def _handling_failure(row: Job) -> bool:
    return bool((row.flow_state or {}).get("failure"))
