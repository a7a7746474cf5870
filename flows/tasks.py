"""Celery tasks of flows: a few lines each, the work is in flows.runner.

Every task is late-acknowledged and idempotent (see flows.rows); results are stored only
so chords can count their parts, and are None.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable

from celery import shared_task
from celery.exceptions import Ignore, Reject, Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError

from flows import compiler
from flows.runner import FlowRunner, FlowWorker

log = logging.getLogger(__name__)

TRANSIENT_RETRY_S = 5.0
"""A task that lost its database or Redis connection tries again after this long."""
TRANSIENT_RETRIES = 60
OPTIONS = dict(bind=True, acks_late=True, ignore_result=False)


def _runner(task) -> FlowRunner:  # noqa: ANN001
    from worker.context import worker_context
    return FlowRunner(FlowWorker(worker_context()), task)


def guarded(body: Callable[..., None]) -> Callable[..., None]:
    """Transient outages retry the task; any other error fails the flow, never hangs it."""

    @functools.wraps(body)
    def run(task, row_id: str, *args: Any) -> None:  # noqa: ANN001
        runner = _runner(task)
        try:
            body(runner, row_id, *args)
        except (Ignore, Retry, Reject):
            raise
        except (DBAPIError, RedisConnectionError) as exc:
            if isinstance(exc, DBAPIError) and not exc.connection_invalidated:
                return _fail(runner, row_id, exc)
            raise task.retry(exc=exc, countdown=TRANSIENT_RETRY_S, max_retries=TRANSIENT_RETRIES)
        except Exception as exc:
            _fail(runner, row_id, exc)

    return run


def _fail(runner: FlowRunner, row_id: str, exc: Exception) -> None:
    log.exception("flow task failed on row %s", row_id)
    try:
        runner.fail_internally(row_id, exc)
    except Exception:
        log.exception("could not record the failure of row %s", row_id)


@shared_task(name=compiler.START, **OPTIONS)
@guarded
def start_flow(runner: FlowRunner, flow_job_id: str) -> None:
    runner.start(flow_job_id)


@shared_task(name=compiler.MODULE, **OPTIONS)
@guarded
def run_module(runner: FlowRunner, scope_id: str, step_id: str, failure_path: bool = False) -> None:
    runner.module(scope_id, step_id, failure_path)


@shared_task(name=compiler.STEPS, **OPTIONS)
@guarded
def run_steps(runner: FlowRunner, scope_id: str, step_ids: list[str]) -> None:
    runner.steps(scope_id, step_ids)


@shared_task(name=compiler.LANE, **OPTIONS)
@guarded
def run_lane(runner: FlowRunner, loop_row_id: str, index: int, stride: int) -> None:
    runner.lane(loop_row_id, index, stride)


@shared_task(name=compiler.COLLECT, **OPTIONS)
@guarded
def collect(runner: FlowRunner, row_id: str) -> None:
    runner.collect(row_id)


@shared_task(name=compiler.FINISH, **OPTIONS)
@guarded
def finish_scope(runner: FlowRunner, scope_id: str) -> None:
    runner.finish(scope_id)


@shared_task(name=compiler.FINALIZE, **OPTIONS)
@guarded
def finalize(runner: FlowRunner, root_id: str) -> None:
    runner.finalize(root_id)


@shared_task(name=compiler.DELAY, **OPTIONS)
def delay(task) -> None:  # noqa: ANN001
    """Does nothing: its countdown was the point (see compiler.wait)."""
