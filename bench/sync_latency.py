"""Sync run latency of a trivial Python script over HTTP `run_wait_result`, end to end.

Starts the real product (bench.stack), saves the same trivial script twice, once per
isolation mode, and times `run_wait_result`: `container` mode with a pool hit (before each
sample, untimed, the bench waits until the stack's pools are full again, as a pool sized for
the load would have them) and `warm` mode. Same-run baselines: a cold `docker run --rm` of
the same runner image running the same code, and bare `python3 -c` of it (the floor).
Where the time goes comes from the job rows: created_at, started_at, finished_at, duration_ms.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Callable

import docker

from bench.container_start import cold_run
from bench.docker_watch import ColdStarts, PoolWatch
from bench.stack import BenchApi, Stack, epoch
from bench.stats import Sample, Section, measure, median_ms, table
from config import load_settings
from worker.sandbox.docker import instance_of

TRIVIAL = "def main():\n    return 1\n"
BARE = TRIVIAL + "main()\n"
"""The same code as a program: define main, call it."""


@dataclass
class Timed:
    """Sync runs of one script: their end-to-end times and, in the same order, their jobs."""

    sample: Sample
    job_ids: list[str]


def timed_runs(api: BenchApi, path: str, name: str, runs: int, warmup: int = 2,
               before: Callable[[], object] | None = None, job_ids: list[str] | None = None) -> Timed:
    """`job_ids`, when given, receives each run's job id as soon as it is known."""
    job_ids = [] if job_ids is None else job_ids

    def once() -> None:
        result, job_id = api.run_wait(path)
        assert result == 1, result
        job_ids.append(job_id)

    sample = measure(name, once, runs, warmup=warmup, before=before)
    return Timed(sample, job_ids[-runs:])


def where_the_time_goes(api: BenchApi, timed: Timed) -> str:
    """Medians of HTTP/API time (the rest), queue time (created → started) and worker time
    (started → finished; the executor's own duration_ms in brackets)."""
    jobs = [api.job(job_id) for job_id in timed.job_ids]
    http, queue, worker, executor = [], [], [], []
    for total, job in zip(timed.sample.seconds, jobs):
        created, started, finished = (epoch(job[k]) for k in ("created_at", "started_at", "finished_at"))
        http.append(total - (finished - created))
        queue.append(started - created)
        worker.append(finished - started)
        executor.append(job["duration_ms"] / 1000)
    return (f"HTTP+API {median_ms(http):.1f} ms · queue (created→started) {median_ms(queue):.1f} ms · "
            f"worker (started→finished) {median_ms(worker):.1f} ms (executor {median_ms(executor):.0f} ms)")


def isolations(api: BenchApi, job_ids: list[str]) -> str:
    recorded: dict[str, int] = {}
    for job_id in job_ids:
        mode = api.job(job_id)["isolation"] or "?"
        recorded[mode] = recorded.get(mode, 0) + 1
    return ", ".join(f"{count} {mode}" for mode, count in sorted(recorded.items()))


def run(runs: int, pool_size: int = 2, concurrency: int = 2) -> Section:
    settings = load_settings()
    client = docker.DockerClient(base_url=settings.docker_url)
    overrides = {"TASKMILL_POOL_SIZES": f"python={pool_size}",
                 "TASKMILL_WORKER_CONCURRENCY": str(concurrency)}
    with Stack(overrides=overrides) as stack:
        api = BenchApi(stack)
        pools = PoolWatch(client, stack.proc.pid, pool_size * concurrency)
        container_path = api.save_script("trivial", "python", TRIVIAL, isolation="container")
        warm_path = api.save_script("trivial_warm", "python", TRIVIAL, isolation="warm")
        with ColdStarts(client) as cold:
            job_ids: list[str] = []
            pooled = timed_runs(api, container_path, "run_wait_result, container mode, pool hit", runs,
                                before=pools.wait_full, job_ids=job_ids)
        # Untimed: the last container-mode job's container is removed and the pool refilled
        # before warm mode is measured, not during it: a container's life cycle costs about a
        # quarter of a second of this machine's 2 cores (2 / the raw start rate of ~8/s), a
        # large share of the whole warm-mode series (34 runs of ~15 ms).
        pools.settle(instance_of(settings))
        # Each worker process keeps its own warm container: warm them all up first.
        warm = timed_runs(api, warm_path, "run_wait_result, warm mode", runs, warmup=2 * concurrency)
        notes = [f"container mode: {cold.hits(pooled.job_ids)}/{runs} pool hits (cold starts seen "
                 f"as Docker events); jobs recorded {isolations(api, pooled.job_ids)}",
                 f"  where the time goes: {where_the_time_goes(api, pooled)}",
                 f"warm mode: jobs recorded {isolations(api, warm.job_ids)}",
                 f"  where the time goes: {where_the_time_goes(api, warm)}"]
    baseline = cold_run(settings.image_for("python"), ["python3", "-c", BARE], runs,
                        "cold `docker run --rm` python runner image, same code")
    floor = measure("bare `python3 -c` of the same code (floor)",
                    lambda: subprocess.run(["python3", "-c", BARE], check=True), runs)
    figures = [pooled.sample, warm.sample, baseline, floor]
    notes += [f"pools: python={pool_size} per worker process, {concurrency} worker processes",
              "targets (issue 4): container mode, pool hit, median ≤ 50 ms; warm mode median ≤ 25 ms"]
    return Section(f"sync run latency, trivial Python script ({runs} runs each, baseline = cold docker run)",
                   table(figures, baseline), notes, figures)
