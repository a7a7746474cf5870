"""A failed step fails its scopes upward until a loop or branch that tolerates failures, or
a flow row: the flow job, or a sub-flow step.

A flow row with a `failure_module` runs it once (it sees `error` and `failed_step`) before it
ends as failed: the flow job then stops there; a sub-flow then passes the same failure on to
the scope that called it, whose own flow runs its failure module in turn. A sub-flow without
one fails at once and the failure keeps going up. While a flow row handles a failure, the
other steps under it stop (see `Scope.halted`).
"""
from __future__ import annotations

from typing import Any

from app.models import Job, JobKind, JobStatus
from flows import compiler, lifecycle, rows
from flows.modules import module_type
from flows.scope import Scope, load_scope


def step_failed(ctx: Any, scope: Scope, row: Job) -> None:
    """`row` (a step of `scope`) failed for good: fail what encloses it."""
    error = row.error or {}
    failure = {"kind": "step_failed", "message": f"step {row.step_id!r} failed: {error.get('message', '')}",
               "failed_step": row.step_id, "step_job_id": row.id,
               "step_error": {"kind": error.get("kind"), "message": error.get("message")}}
    fail_upward(ctx, scope, failure)


def _settle(ctx: Any, job: Job, failure: dict) -> None:
    with ctx.db.session() as session:
        rows.finish(session, job, JobStatus.FAILURE, error=failure)


def fail_upward(ctx: Any, scope: Scope, failure: dict[str, Any]) -> None:
    """Fail `scope.row` (the scope a step failed in) and what encloses it, up to a tolerant
    container or a flow row, which handles the failure itself."""
    index = 0
    while True:
        row = scope.rows[index]
        if row.kind == JobKind.FLOW:
            flow_scope = scope.outer(index)
            if row.parent_job_id is None or flow_scope.definition.failure_module is not None:
                flow_failed(ctx, flow_scope, failure)
                return
            lifecycle.end_flow(ctx.db, ctx.events, row.id, JobStatus.FAILURE, error=failure)
            index += 1
            continue
        container = scope.rows[index + 1]
        module = scope.definition_at(index + 1).find(container.step_id)
        _settle(ctx, row, failure)
        if module_type(module.value.type).tolerates(module.value, row.args):
            ctx.events.publish(scope.root.id)
            return
        _settle(ctx, container, failure)
        index += 2


def flow_failed(ctx: Any, flow_scope: Scope, failure: dict[str, Any]) -> None:
    """A flow row (`flow_scope.row`) fails: run its failure module, or settle it now."""
    flow_row = flow_scope.row
    if not lifecycle.mark_failing(ctx.db, flow_row.id, failure):
        return  # already failing (a parallel step, or the failure module itself, failed)
    failure_module = flow_scope.definition.failure_module
    if failure_module is not None:
        compiler.failure(flow_row.id, failure_module.id, flow_row.queue).apply_async()
        ctx.events.publish(flow_scope.root.id)
    else:
        finalize(ctx, flow_row.id)


def finalize(ctx: Any, flow_row_id: str) -> None:
    """End a failing flow row; its result is its failure module's, when that succeeded.
    A sub-flow then fails the scope that called it (a redelivered finalize does nothing)."""
    scope = load_scope(ctx.db, flow_row_id)
    failure = (scope.row.flow_state or {}).get("failure")
    if failure is None:
        return
    result = None
    failure_module = scope.definition.failure_module
    if failure_module is not None:
        with ctx.db.session() as session:
            handled = rows.latest_attempt(session, flow_row_id, failure_module.id)
        if handled is not None and handled.status == JobStatus.SUCCESS:
            result = handled.result
    ended = lifecycle.end_flow(ctx.db, ctx.events, flow_row_id, JobStatus.FAILURE, result=result,
                               error=failure)
    if scope.row.parent_job_id is not None:
        ctx.events.publish(scope.root.id)
        if ended:
            fail_upward(ctx, scope.outer(1), failure)
