"""The bodies of the flow tasks: start a flow, extend a loop lane, collect a container's
result, settle a scope. Each loads what it needs by row id and is safe to run twice."""
from __future__ import annotations

from typing import Any

from celery import Task
from celery.canvas import Signature

from app.events import PROGRESS
from app.models import Job, JobKind, JobStatus
from flows import compiler, failures, lifecycle, rows, steps
from flows.definition import FlowModule
from flows.executor import StepExecutor
from flows.modules import module_type
from flows.modules.forloop import settle_iteration
from flows.scope import Scope, load_scope, read_scope, scope_result


class FlowWorker:
    """What flow tasks use from the worker: settings, database, events, a step executor."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.settings, self.db, self.events = context.settings, context.db, context.events

    def step_executor(self, module: FlowModule | None = None, root: Job | None = None) -> StepExecutor:
        return StepExecutor(self.settings, self.db, self.events, self.context.backend(), module=module,
                            root=root)


class FlowRunner:
    def __init__(self, worker: FlowWorker, task: Task) -> None:
        self.worker, self.task = worker, task
        self.db, self.events = worker.db, worker.events

    def start(self, flow_job_id: str) -> None:
        """Claim the queued flow job and replace this task with the flow's chain."""
        with self.db.session() as session:
            rows.transition(session, flow_job_id, [JobStatus.QUEUED], status=JobStatus.RUNNING,
                            started_at=rows.utcnow())
        scope = load_scope(self.db, flow_job_id)
        if scope.root.status != JobStatus.RUNNING:
            return
        self.events.publish(flow_job_id, JobStatus.RUNNING.value)
        # A redelivered start sends the chain again; its steps find their rows and skip.
        self.task.replace(compiler.sequence(flow_job_id, scope.definition.modules, scope.root.queue))

    def module(self, scope_id: str, step_id: str, failure_path: bool = False) -> None:
        steps.run_module(self.worker, self.task, scope_id, step_id, failure_path)

    def steps(self, scope_id: str, step_ids: list[str], then: Signature | None = None,
              new_scope: Scope | None = None) -> None:
        """Modules of one scope in order, in this task, until the scope halts. `new_scope`:
        the scope, just read by the caller, whose row the caller has just inserted (so none of
        its steps has a row yet: the first module needs no reads)."""
        for index, step_id in enumerate(step_ids):
            if not steps.run_module(self.worker, self.task, scope_id, step_id,
                                    rest=tuple(step_ids[index + 1:]), then=then,
                                    new_scope=new_scope if index == 0 else None):
                return

    def lane(self, loop_row_id: str, index: int, stride: int) -> None:
        """Settle this lane's previous iteration, then run iterations `index`, `index +
        stride`, ... here, until the loop has no more (or halts). A module that needs the
        canvas replaces the lane with it, followed by the rest of its iteration and the
        lane's next iteration (see StepRun.replace)."""
        while True:
            with self.db.session() as session:  # where the loop is, and its previous iteration settled
                scope = read_scope(session, loop_row_id)
                if scope.halted():
                    return
                loop = scope.row
                if index >= stride:
                    previous = session.get(Job, rows.iteration_row_id(loop.id, index - stride))
                    if previous is not None:
                        settle_iteration(session, scope.inner(previous))
            if index >= loop.flow_state["count"]:
                return
            iteration, inserted = rows.insert_new(
                self.db, rows.iteration_row_id(loop.id, index), **rows.child_values(
                    loop, scope.root, kind=JobKind.ITERATION, status=JobStatus.RUNNING, step_id=loop.step_id,
                    language="iteration", args={"index": index, "value": loop.args["iterator"][index]},
                    flow_state={"index": index}))
            self.events.publish(scope.root.id, PROGRESS)
            body = scope.definition.find(loop.step_id).value.modules
            following = compiler.lane(loop.id, index + stride, stride, scope.flow_row.queue)
            # A failed iteration (skip_failures) halts only its own scope: the lane goes on.
            self.steps(iteration.id, [m.id for m in body], then=following,
                       new_scope=scope.inner(iteration) if inserted else None)
            index += stride

    def collect(self, row_id: str) -> None:
        """Every iteration or branch of a container has run: compute its result."""
        scope = load_scope(self.db, row_id)
        if scope.halted():
            return
        container = scope.row
        module = scope.definition.find(container.step_id)
        with self.db.session() as session:
            result = module_type(module.value.type).collect(session, scope, container)
            rows.finish(session, container, JobStatus.SUCCESS, result=result)
        self.events.publish(scope.root.id, PROGRESS)

    def finish(self, scope_id: str) -> None:
        """A flow's or branch's last module ran: its result is that module's result."""
        scope = load_scope(self.db, scope_id)
        if scope.halted():
            return
        with self.db.session() as session:
            result = scope_result(session, scope)
            if scope.row.kind != JobKind.FLOW:
                rows.finish(session, scope.row, JobStatus.SUCCESS, result=result)
        if scope.row.kind == JobKind.FLOW:
            lifecycle.end_flow(self.db, self.events, scope_id, JobStatus.SUCCESS, result=result)
        self.events.publish(scope.root.id, PROGRESS)  # the flow job's end, if it ended, is published

    def finalize(self, root_id: str) -> None:
        failures.finalize(self.worker, root_id)

    def fail_internally(self, row_id: str, exc: Exception) -> None:
        """A bug or a corrupt row: fail the flow saying so, rather than leave it hanging."""
        scope = load_scope(self.db, row_id)
        lifecycle.end_flow(self.db, self.events, scope.root.id, JobStatus.FAILURE, error={
            "kind": "flow_internal", "message": f"the flow engine failed: {type(exc).__name__}: {exc}"})
