"""Running one module: the driver every module task goes through, and `StepRun`, the
module's view of where it runs (scope, expressions, its rows, the task carrying it).

The driver is a small state machine over the step's row, so a task delivered twice picks
up where the row is instead of starting again:

    no row        → skip_if? else the module type's `start`
    queued/running → the module type's `resume`
    success       → stop_after_if, suspend, sleep, then the chain goes on
    failure       → the module type's `failed` (retry, or fail the flow)
    canceled      → the flow is canceled
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from celery import Task, chain
from celery.canvas import Signature
from sqlalchemy import select

from app.errors import TaskmillError
from app.events import PROGRESS
from app.models import ApprovalStatus, FlowApproval, Job, JobKind, JobStatus, utcnow
from flows import approvals, compiler, failures, lifecycle, rows
from flows.definition import FlowModule, InputTransform
from flows.errors import ExpressionError
from flows.expressions import Lazy, evaluate, truthy
from flows.modules import ModuleType, module_type
from flows.scope import Scope, load_scope, previous_result, read_scope, step_result

WAIT_POLL_S = 2.0
"""A step that another delivery is running (or whose worker died) is looked at this often."""


class Results:
    """`results.<id>`: each step's result, read from Postgres when an expression asks."""

    def __init__(self, run: "StepRun") -> None:
        self.run = run

    def __getitem__(self, step_id: str) -> Any:
        with self.run.db.session() as session:
            return step_result(session, self.run.scope, step_id)


@dataclass
class StepRun:
    ctx: Any
    """The worker context: settings, db, events, backend."""
    task: Task
    scope: Scope
    module: FlowModule
    failure_path: bool = False
    rest: tuple[str, ...] = ()
    """Modules of the scope that this task runs after this one (see flows.compiler)."""
    then: Signature | None = None
    """What this task does after the scope's modules (a loop lane: its next iteration)."""

    @property
    def kind(self) -> ModuleType:
        return module_type(self.module.value.type)

    @property
    def db(self):  # noqa: ANN201
        return self.ctx.db

    @property
    def queue(self) -> str:
        """The queue of the flow's control tasks."""
        return self.scope.flow_row.queue

    # -- rows ---------------------------------------------------------------------------
    def reload(self, row: Job) -> Job:
        return rows.get(self.db, row.id)

    def insert_row(self, attempt: int = 1, **values: Any) -> Job:
        return self.insert_new_row(attempt, **values)[0]

    def insert_new_row(self, attempt: int = 1, **values: Any) -> tuple[Job, bool]:
        """The step's row for `attempt`, and whether this call inserted it (a row inserted
        `running` is thereby claimed by this task: the id is the step's, unique)."""
        values = rows.child_values(self.scope.row, self.scope.root, step_id=self.module.id,
                                   attempt=attempt, **values)
        values.setdefault("kind", JobKind.STEP)
        values.setdefault("language", self.module.value.type)
        row, inserted = rows.insert_new(self.db, rows.step_row_id(self.scope.row.id, self.module.id, attempt),
                                        **values)
        self.ctx.events.publish(self.scope.root.id, PROGRESS)
        return row, inserted

    def here(self) -> str | None:
        """The queue this task was delivered on."""
        return (self.task.request.delivery_info or {}).get("routing_key")

    def finished_row(self, status: JobStatus, *, result: Any = None, error: dict | None = None,
                     **values: Any) -> Job:
        """A row that is settled as soon as it exists (identity, skipped, failed before running)."""
        now = utcnow()
        return self.insert_row(status=status, result=result, error=error, started_at=now,
                               finished_at=now, duration_ms=0, **values)

    def fail_before_run(self, error: TaskmillError | dict, **values: Any) -> Job:
        """The step cannot run (bad expression, arguments or rights): a failed row, and the
        driver then fails the flow with the reason."""
        if isinstance(error, TaskmillError):
            error = {"kind": getattr(error, "kind", error.code), "message": error.message,
                     "details": error.details}
        return self.finished_row(JobStatus.FAILURE, error=error, **values)

    # -- expressions --------------------------------------------------------------------
    def context(self, **extra: Any) -> dict[str, Any]:
        """What expressions of this module may read; large values load only when used."""
        scope = self.scope
        context: dict[str, Any] = {
            "flow_input": scope.flow_row.args,
            "results": Results(self),
            "previous_result": Lazy(self.previous_result),
            "resumes": Lazy(self.resumes),
            "resume": Lazy(lambda: (self.resumes() or [None])[-1]),
        }
        in_this_flow = scope.rows[:scope.flow_index() + 1]
        iteration = next((r for r in in_this_flow if r.kind == JobKind.ITERATION), None)
        if iteration is not None:
            context["iter"] = {"value": iteration.args.get("value"), "index": iteration.args.get("index")}
        if self.failure_path:
            failure = (scope.flow_row.flow_state or {}).get("failure") or {}
            context.update(error=failure, failed_step=failure.get("failed_step"))
        if self.module.suspend is not None:
            context["approval"] = Lazy(lambda: approvals.links(
                self.ctx.settings, scope.root.workspace_id, self.approval_id))
        context.update(extra)
        return context

    @property
    def approval_id(self) -> str:
        return approvals.approval_id(self.scope.row.id, self.module.id)

    def previous_result(self) -> Any:
        with self.db.session() as session:
            return previous_result(session, self.scope, self.module.id)

    def resumes(self) -> list[Any]:
        """Payloads of the approval resumed last in this flow run."""
        with self.db.session() as session:
            approval = session.scalars(select(FlowApproval).where(
                FlowApproval.flow_job_id == self.scope.root.id,
                FlowApproval.status == ApprovalStatus.RESUMED)
                .order_by(FlowApproval.resolved_at.desc()).limit(1)).first()
        return [event.get("payload") for event in approval.events] if approval else []

    def evaluate(self, transform: InputTransform, where: str) -> Any:
        if transform.type == "static":
            return transform.value
        return evaluate(transform.expr, self.context(), f"module {self.module.id!r}, {where}")

    def evaluate_args(self, defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        args = dict(defaults or {})
        for name, transform in self.module.input_transforms.items():
            args[name] = self.evaluate(transform, f"input_transforms.{name}")
        return args

    # -- the task -----------------------------------------------------------------------
    def replace(self, canvas) -> NoReturn:  # noqa: ANN001
        """Hand over to `canvas`, then to what this task would have run after this module;
        the rest of the enclosing chain runs after that."""
        after = [compiler.steps(self.scope.row.id, list(self.rest), self.queue)] if self.rest else []
        if self.then is not None:
            after.append(self.then)
        self.task.replace(chain(canvas, *after) if after else canvas)
        raise AssertionError("unreachable: replace raises Ignore")

    def expand(self, canvas) -> NoReturn:  # noqa: ANN001
        """Run a container's sub-canvas, then this module task again: it finds the row settled
        and applies the module's own stop_after_if, suspend and sleep."""
        self.replace(chain(canvas, self.again()))

    def again(self, queue: str | None = None):  # noqa: ANN201
        return compiler.module(self.scope.row.id, self.module.id, queue or self.queue,
                               failure=self.failure_path)

    def run_on(self, queue: str) -> None:
        """Continue on `queue` (a code step runs on its script's worker group)."""
        if self.here() != queue:
            self.replace(self.again(queue))

    def wait_for_other(self) -> NoReturn:
        """Someone else holds the step; look again later without holding a worker."""
        raise self.task.retry(countdown=WAIT_POLL_S, max_retries=None)

    @property
    def max_countdown(self) -> float:
        return self.ctx.settings.broker_visibility_timeout_s / 2

    def pass_up(self, row: Job) -> None:
        failures.step_failed(self.ctx, self.scope, row)


def run_module(ctx: Any, task: Task, scope_id: str, step_id: str, failure_path: bool = False,
               rest: tuple[str, ...] = (), then: Signature | None = None,
               new_scope: Scope | None = None) -> bool:
    """The body of the module task, and of each module a `steps` task or a lane runs
    (`rest` and `then`: see StepRun; `new_scope`: see FlowRunner.steps). False when the
    scope is halted: nothing ran."""
    if new_scope is not None:
        scope, row = new_scope, None
    else:
        with ctx.db.session() as session:  # one round of reads: where the step runs, and its row
            scope = read_scope(session, scope_id)
            if scope.halted(failure_path):
                return False
            row = rows.latest_attempt(session, scope.row.id, step_id)
    step = StepRun(ctx, task, scope, scope.definition.find(step_id), failure_path, tuple(rest), then)
    if row is None:
        row = _skipped(step) or step.kind.start(step)
    elif row.status in rows.LIVE:
        row = step.kind.resume(step, row)
    _settle(step, row)
    return True


def _skipped(step: StepRun) -> Job | None:
    if step.module.skip_if is None:
        return None
    try:
        skip = truthy(step.module.skip_if, step.context(), f"module {step.module.id!r}, skip_if")
    except ExpressionError as exc:
        return step.fail_before_run(exc)
    if not skip:
        return None
    return step.finished_row(JobStatus.SUCCESS, result=step.previous_result(), flow_state={"skipped": True})


def _settle(step: StepRun, row: Job) -> None:
    if row.status == JobStatus.SUCCESS:
        _after_success(step, row)
    elif row.status == JobStatus.FAILURE:
        step.kind.failed(step, row)
    elif row.status == JobStatus.CANCELED:
        if load_scope(step.db, step.scope.row.id).halted(step.failure_path):
            return  # canceled because an enclosing scope ended first (e.g. a failed sub-flow)
        lifecycle.cancel_flow(step.db, step.ctx.events, step.scope.root.id,
                              {"kind": "canceled", "message": f"step {step.module.id!r} was canceled"})


def _after_success(step: StepRun, row: Job) -> None:
    module = step.module
    if module.stop_after_if is not None and _stops(step, row):
        return
    if module.suspend is not None:
        approvals.hold(step, row)
    if module.sleep and not (row.flow_state or {}).get("slept"):
        with step.db.session() as session:
            session.get(Job, row.id).flow_state = {**(row.flow_state or {}), "slept": True}
        step.replace(compiler.wait(module.sleep, step.max_countdown, step.queue))


def _stops(step: StepRun, row: Job) -> bool:
    """Evaluate stop_after_if; when true, end the enclosing flow with this step's result."""
    rule = step.module.stop_after_if
    try:
        stop = truthy(rule.expr, step.context(result=row.result), f"module {step.module.id!r}, stop_after_if")
    except ExpressionError as exc:
        with step.db.session() as session:
            rows.transition(session, row.id, [JobStatus.SUCCESS], status=JobStatus.FAILURE,
                            error={"kind": "expression_error", "message": exc.message})
        step.pass_up(step.reload(row))
        return True
    if stop:
        state = {"stopped_by": step.module.id, "skipped": rule.skip_if_stopped}
        lifecycle.end_flow(step.db, step.ctx.events, step.scope.flow_row.id, JobStatus.SUCCESS,
                           result=row.result, state=state)
    return stop
