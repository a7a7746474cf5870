"""The compiler: flow constructs → Celery canvases.

A sequence of modules is a `chain`; parallel branches and parallel loops are a `chord` whose
body collects the results. Anything decided at run time (which branch, how many iterations,
whether to suspend) is a task that builds its part of the canvas then and `replace`s itself
with it, so the rest of the enclosing chain runs after it. Every signature is immutable and
carries only row ids: results travel through Postgres, never inside messages.
"""
from __future__ import annotations

from celery import chain, chord, signature
from celery.canvas import Signature

from flows.definition import FlowModule

START = "taskmill.flow.start"
MODULE = "taskmill.flow.module"
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


def sequence(scope_id: str, modules: list[FlowModule], queue: str) -> Signature:
    """A flow's or a branch's modules one after another, then `finish` settles the scope."""
    return chain(*[module(scope_id, m.id, queue) for m in modules], task(FINISH, scope_id, queue=queue))


def loop(loop_row_id: str, count: int, parallel: bool, parallelism: int | None, queue: str) -> Signature:
    """`lanes` iterations at a time; each lane runs iterations k, k+lanes, k+2·lanes, ...

    A lane builds its next iteration when it gets there, so a 10,000-item loop never puts
    10,000 iterations into one message; a chord over the lanes collects the loop's result.
    """
    lanes = min(parallelism or count, count) if parallel else 1
    heads = [task(LANE, loop_row_id, k, lanes, queue=queue) for k in range(lanes)]
    collect = task(COLLECT, loop_row_id, queue=queue)
    return chord(heads, collect) if lanes > 1 else chain(heads[0], collect)


def iteration(loop_row_id: str, iteration_id: str, modules: list[FlowModule], index: int,
              stride: int, queue: str) -> Signature:
    """One iteration's modules, then the lane moves on to its next iteration."""
    return chain(*[module(iteration_id, m.id, queue) for m in modules],
                 task(LANE, loop_row_id, index + stride, stride, queue=queue))


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
