"""Modules that run user code in the sandbox (rawscript, script): shared run-time behaviour.

The step's row is created `queued` with its evaluated arguments, then the module task runs
it through the worker's executor (atomic claim, container, stored result). A failed attempt
is retried after its backoff as a new row, `attempt + 1`, with the same arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.errors import TaskmillError
from app.models import Job, JobKind, JobStatus
from app.services.args import validate_args
from flows import compiler
from flows.rows import LIVE
from flows.modules.base import ModuleType

if TYPE_CHECKING:
    from flows.steps import StepRun


@dataclass(frozen=True)
class CodeTarget:
    """What a code step runs: the columns of its job row, and its arguments' schema."""

    script_path: str
    script_hash: str
    language: str
    queue: str
    schema: dict[str, Any]


class CodeModule(ModuleType):
    runs_code = True
    takes_inputs = True

    def target(self, step: StepRun) -> CodeTarget:
        """Resolve the code to run (and check the flow's runner may run it)."""
        raise NotImplementedError

    def start(self, step: StepRun) -> Job:
        try:
            target = self.target(step)
            args = validate_args(target.schema, step.evaluate_args(_failure_defaults(step, target.schema)))
        except TaskmillError as exc:
            return step.fail_before_run(exc)
        values = dict(kind=JobKind.STEP, args=args, script_path=target.script_path,
                      script_hash=target.script_hash, language=target.language, queue=target.queue)
        if step.here() == target.queue:  # the usual case: claim by inserting it running, and run it
            executor = step.ctx.step_executor(step.module, step.scope.root)
            row, inserted = step.insert_new_row(**executor.claim_values(), **values)
            if inserted:
                executor.execute(row.id, claimed=row)
                if executor.finished is None:  # settled by someone else (the sweeper): read it
                    return step.reload(row)
                for column, value in executor.finished.items():  # what was stored: no read back
                    setattr(row, column, value)
                return row
        else:
            row = step.insert_row(status=JobStatus.QUEUED, **values)
        return self.resume(step, row)

    def resume(self, step: StepRun, row: Job) -> Job:
        if row.status != JobStatus.QUEUED:
            step.wait_for_other()
        step.run_on(row.queue)
        step.ctx.step_executor(step.module, step.scope.root).execute(row.id)
        row = step.reload(row)
        if row.status in LIVE:  # another delivery claimed it first
            step.wait_for_other()
        return row

    def failed(self, step: StepRun, row: Job) -> None:
        retry = step.module.retry
        canceled = (row.error or {}).get("kind") == "canceled"
        delay = retry.delay_before(row.attempt) if retry is not None and not canceled else None
        if delay is None:
            step.pass_up(row)
            return
        step.insert_row(attempt=row.attempt + 1, kind=JobKind.STEP, status=JobStatus.QUEUED,
                        args=row.args, script_path=row.script_path, script_hash=row.script_hash,
                        language=row.language, queue=row.queue)
        step.replace(compiler.after_delay(step.again(row.queue), delay, step.max_countdown, step.queue))


def _failure_defaults(step: StepRun, schema: dict[str, Any]) -> dict[str, Any]:
    """The failure module gets `error` and `failed_step`, when its code takes them."""
    if not step.failure_path:
        return {}
    failure = (step.scope.flow_row.flow_state or {}).get("failure") or {}
    defaults = {"error": failure, "failed_step": failure.get("failed_step")}
    accepted = schema.get("properties")
    if schema.get("additionalProperties") is False and accepted is not None:
        return {k: v for k, v in defaults.items() if k in accepted}
    return defaults
