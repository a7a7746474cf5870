"""The compiler: flow constructs → Celery canvases.

A sequence of modules is a `chain`; parallel branches and parallel loops are a `chord` whose
body collects the results. Anything decided at run time (which branch, how many iterations,
whether to suspend) is a task that builds its part of the canvas then and `replace`s itself
with it, so the rest of the enclosing chain runs after it. Every signature is immutable and
carries only row ids: results travel through Postgres, never inside messages.

A scope's modules run one after another in one `steps` task, and a loop lane runs its
iterations' modules itself: a Celery hop costs about as much as a light step (a broker round
trip, a result write, a prefork hand-over), so the chain has a link per module only where a
module needs one. A module that needs the canvas (a container's sub-canvas, a retry's
backoff, a sleep, another worker group) replaces the task with what it needs followed by
the modules after it (see flows.steps.StepRun.replace); one that suspends stops the task,
and its approval re-sends it.
"""
from __future__ import annotations

from celery import chain, chord, signature
from celery.canvas import Signature

from flows.definition import FlowModule

START = "taskmill.flow.start"
MODULE = "taskmill.flow.module"
STEPS = "taskmill.flow.steps"
LANE = "taskmill.flow.lane"
COLLECT = "taskmill.flow.collect"
FINISH = "taskmill.flow.finish"
FINALIZE = "taskmill.flow.finalize"
DELAY = "taskmill.flow.delay"


def task(name: str, *args: object, queue: str) -> Signature:
    return signature(name, args=list(args), immutable=True, queue=queue)


def module(scope_id: str, step_id: str, queue: str, *, failure: bool = False) -> Signature:
    """Run one module in a scope (the failure module runs while the flow is failing)."""
    args = (scope_id, step_id, True) if failure else (scope_id, step_id)
    return task(MODULE, *args, queue=queue)


def steps(scope_id: str, step_ids: list[str], queue: str) -> Signature:
    """Modules `step_ids` of a scope, in order, in one task."""
    return task(STEPS, scope_id, list(step_ids), queue=queue)


def sequence(scope_id: str, modules: list[FlowModule], queue: str) -> Signature:
    """A flow's or a branch's modules one after another, then `finish` settles the scope."""
    head = [steps(scope_id, [m.id for m in modules], queue)] if modules else []
    return chain(*head, task(FINISH, scope_id, queue=queue))


def loop(loop_row_id: str, count: int, lanes: int, queue: str) -> Signature:
    """`lanes` iterations at a time; each lane runs iterations k, k+lanes, k+2·lanes, ...

    A lane builds each iteration when it gets there, so a 10,000-item loop never puts 10,000
    iterations into one message; a chord over the lanes collects the loop's result.
    """
    lanes = max(1, min(lanes, count))
    heads = [lane(loop_row_id, k, lanes, queue) for k in range(lanes)]
    collect = task(COLLECT, loop_row_id, queue=queue)
    return chord(heads, collect) if lanes > 1 else chain(heads[0], collect)


def lane(loop_row_id: str, index: int, stride: int, queue: str) -> Signature:
    """A loop lane from iteration `index` on (its previous iteration, if any, to settle)."""
    return task(LANE, loop_row_id, index, stride, queue=queue)


def branches(row_id: str, scopes: list[tuple[str, list[FlowModule]]], parallel: bool,
             queue: str) -> Signature:
    """Each branch as a sequence; in parallel a chord, else one chain; then collect."""
    bodies = [sequence(scope_id, modules, queue) for scope_id, modules in scopes]
    collect = task(COLLECT, row_id, queue=queue)
    if parallel and len(bodies) > 1:
        return chord(bodies, collect)
    return chain(*bodies, collect)


def failure(root_id: str, module_id: str, queue: str) -> Signature:
    """The failure module, then the flow job is settled as failed."""
    return chain(module(root_id, module_id, queue, failure=True), task(FINALIZE, root_id, queue=queue))


def wait(seconds: float, max_countdown: float, queue: str) -> Signature:
    """Tasks that do nothing but wait `seconds` in all, none with a countdown longer than
    `max_countdown`: Redis redelivers a message still unacknowledged after its visibility
    timeout, and a message waiting for its countdown is unacknowledged."""
    waits = []
    while seconds > max_countdown:
        waits.append(task(DELAY, queue=queue).set(countdown=max_countdown))
        seconds -= max_countdown
    waits.append(task(DELAY, queue=queue).set(countdown=seconds))
    return chain(*waits)


def after_delay(then: Signature, seconds: float, max_countdown: float, queue: str) -> Signature:
    """`then`, `seconds` from now."""
    return chain(wait(seconds, max_countdown, queue), then)
