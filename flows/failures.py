"""A failed step fails its scopes upward until a loop or branch that tolerates failures, or
the flow job, which then runs its failure module (once) and ends as failed."""
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
    index = 0
    while True:
        row = scope.rows[index]
        if row.kind == JobKind.FLOW:
            if row.parent_job_id is None:
                root_failed(ctx, scope.outer(index), failure)
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


def root_failed(ctx: Any, root_scope: Scope, failure: dict[str, Any]) -> None:
    """The flow job fails: run its failure module, or end it now if it has none."""
    root = root_scope.root
    if not lifecycle.mark_failing(ctx.db, root.id, failure):
        return  # already failing (a parallel step, or the failure module itself, failed)
    failure_module = root_scope.definition.failure_module
    if failure_module is not None:
        compiler.failure(root.id, failure_module.id, root.queue).apply_async()
        ctx.events.publish(root.id)
    else:
        finalize(ctx, root.id)


def finalize(ctx: Any, root_id: str) -> None:
    """End a failing flow job; its result is the failure module's, when that succeeded."""
    scope = load_scope(ctx.db, root_id)
    failure = (scope.root.flow_state or {}).get("failure")
    if failure is None:
        return
    result = None
    failure_module = scope.definition.failure_module
    if failure_module is not None:
        with ctx.db.session() as session:
            handled = rows.latest_attempt(session, root_id, failure_module.id)
        if handled is not None and handled.status == JobStatus.SUCCESS:
            result = handled.result
    lifecycle.end_flow(ctx.db, ctx.events, root_id, JobStatus.FAILURE, result=result, error=failure)
