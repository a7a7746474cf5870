"""Sustained throughput: N trivial jobs enqueued at once (one `run_many` call, as a notebook
would start a batch), in `container` mode and in `warm` mode, next to the raw parallel
container start rate of the Docker daemon measured in the same run (as many threads as the
stack has worker processes).

The raw rate is measured twice, just before and just after the container batch, and the
baseline is both together: this machine's speed drifts by several percent within a minute,
and a baseline taken on one side only of a minute-long batch moved the ratio by as much.

A batch is timed from just before its first request to the latest finished_at among its
jobs; the pools start full, then refill continuously while the batch drains (that is what
the comparison with the raw start rate is about).
"""
from __future__ import annotations

import statistics
import time

import docker

from bench.container_start import parallel_start_rate
from bench.docker_watch import ColdStarts, PoolWatch, wait_removed
from bench.stack import BenchApi, Stack, epoch
from bench.stats import Rate, Section, rate_table
from config import load_settings
from worker.sandbox.docker import instance_of

TRIVIAL = "def main():\n    return 1\n"
SLOWEST_EXPECTED_RATE = 0.5
"""Jobs/s below which a batch is considered stuck (its timeout is derived from it)."""


def submit_batch(api: BenchApi, path: str, count: int) -> tuple[float, float]:
    """Start `count` runs of `path` at once; (wall-clock start, seconds spent enqueueing)."""
    started = time.time()
    api.run_many(path, [{} for _ in range(count)])
    return started, time.time() - started


def batch(api: BenchApi, path: str, count: int, name: str) -> tuple[Rate, list[dict], float]:
    """(rate, the jobs, seconds spent enqueueing) of one batch of `count` runs of `path`."""
    started, enqueueing = submit_batch(api, path, count)
    api.wait_finished(path, count, 120 + count / SLOWEST_EXPECTED_RATE)
    jobs = api.jobs(path)
    last = max(epoch(job["finished_at"]) for job in jobs)
    return Rate(name, count, last - started), jobs, enqueueing


def describe(jobs: list[dict], enqueueing: float, concurrency: int) -> str:
    """Failures, enqueue time, and the ceiling the worker processes' own time sets."""
    failed = sum(1 for job in jobs if job["status"] != "success")
    ran = [job for job in jobs if job["started_at"]] or jobs  # a canceled job may never start
    worker_s = statistics.mean((epoch(j["finished_at"]) - epoch(j["started_at"])) for j in ran)
    queue_s = statistics.median((epoch(j["started_at"]) - epoch(j["created_at"])) for j in ran)
    return (f"{failed} failed · enqueueing took {enqueueing:.2f} s · median queue wait {queue_s:.2f} s · "
            f"mean worker time per job {worker_s * 1000:.0f} ms → {concurrency} processes cap "
            f"{concurrency / worker_s:.1f} jobs/s")


def run(jobs: int, concurrency: int = 4, pool_size: int = 4, raw_seconds: float = 40) -> Section:
    settings = load_settings()
    client = docker.DockerClient(base_url=settings.docker_url)
    overrides = {"TASKMILL_POOL_SIZES": f"python={pool_size}",
                 "TASKMILL_WORKER_CONCURRENCY": str(concurrency)}
    with Stack(overrides=overrides) as stack:
        api = BenchApi(stack)
        pools = PoolWatch(client, stack.proc.pid, pool_size * concurrency)
        container_path = api.save_script("tp_container", "python", TRIVIAL, isolation="container")
        warm_path = api.save_script("tp_warm", "python", TRIVIAL, isolation="warm")
        # The first job of a stack pays one-off costs (connections, first queries): not in a batch.
        api.run_wait(api.save_script("tp_first", "python", TRIVIAL))
        pools.wait_full()
        raw_before = parallel_start_rate(settings, concurrency, raw_seconds / 2)
        pools.wait_full()
        with ColdStarts(client) as cold:
            container, container_jobs, container_enq = batch(api, container_path, jobs,
                                                             f"{jobs} jobs, container mode")
        hits = cold.hits([job["id"] for job in container_jobs])
        # Neither the raw starts nor the warm batch compete with the container batch's refill
        # or its removals.
        pools.wait_full()
        wait_removed(client, instance_of(settings))
        raw_after = parallel_start_rate(settings, concurrency, raw_seconds / 2)
        raw = Rate(raw_before.name, raw_before.count + raw_after.count,
                   raw_before.seconds + raw_after.seconds)
        pools.wait_full()
        wait_removed(client, instance_of(settings))
        warm, warm_jobs, warm_enq = batch(api, warm_path, jobs, f"{jobs} jobs, warm mode")
    notes = [f"container mode: {hits}/{jobs} pool hits · "
             f"{describe(container_jobs, container_enq, concurrency)}",
             f"warm mode: {describe(warm_jobs, warm_enq, concurrency)}",
             f"{concurrency} worker processes, pools python={pool_size} each; the raw rate uses "
             f"job-container settings and {concurrency} threads, {raw_seconds / 2:.0f} s before the "
             f"container batch ({raw_before.per_second:.2f}/s) and {raw_seconds / 2:.0f} s after it "
             f"({raw_after.per_second:.2f}/s)",
             "targets (issue 4): container mode ≥ 0.90 × the raw rate; warm mode ≥ 100 jobs/s"]
    figures = [container, warm, raw]
    return Section(f"sustained throughput, {jobs} trivial jobs enqueued at once (baseline = raw start rate)",
                   rate_table(figures, raw), notes, figures)
