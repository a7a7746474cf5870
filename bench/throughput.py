"""Sustained throughput: N trivial jobs enqueued at once (one `run_many` call, as a notebook
would start a batch), in `container` mode and in `warm` mode, next to the raw parallel
container start rate of the Docker daemon measured in the same run (as many threads as the
stack has worker processes).

This machine's speed drifts by several percent within a minute and by more between minutes
(two raw windows a minute apart differed by up to 26%), so one batch against one baseline
says as much about the drift as about the job system. Each figure is therefore taken in
`rounds` rounds: raw starts, a container batch, raw starts, a container batch, ..., raw
starts, so that every container batch has a raw window just before and just after it, and
its ratio is to those two windows together. The figure is the median of the rounds' ratios;
every round is printed.

A batch is timed from just before its first request to the latest finished_at among its
jobs. Container-mode batches start with full pools, which then refill continuously while the
batch drains (that is what the comparison with the raw start rate is about). Warm-mode
batches start likewise with each worker process's warm container up: a warm-up batch starts
them first. A warm container recycled during a batch (after warm_max_jobs jobs or
warm_max_age_s) is in the figure.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

import docker

from bench.container_start import parallel_start_rate
from bench.docker_watch import ColdStarts, PoolWatch
from bench.stack import BenchApi, Stack, epoch
from bench.stats import Rate, Section, paired_rate_table
from config import Settings, load_settings
from worker.sandbox.docker import instance_of

TRIVIAL = "def main():\n    return 1\n"
SLOWEST_EXPECTED_RATE = 0.5
"""Jobs/s below which a batch is considered stuck (its timeout is derived from it)."""
WARM_UP_PER_PROCESS = 8
"""Warm-up jobs per worker process before the warm batches: enough that each process is
handed some and starts its warm container."""


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


def combined(name: str, rates: list[Rate]) -> Rate:
    """Several windows of one measurement as one rate (all counts over all seconds)."""
    return Rate(name, sum(rate.count for rate in rates), sum(rate.seconds for rate in rates))


class Rounds:
    """The batches of one throughput run, on one stack: raw windows, container rounds, warm rounds."""

    def __init__(self, api: BenchApi, pools: PoolWatch, settings: Settings, jobs: int, concurrency: int,
                 window_s: float) -> None:
        self.api, self.pools, self.settings = api, pools, settings
        self.jobs, self.concurrency, self.window_s = jobs, concurrency, window_s
        self.instance = instance_of(settings)
        self.raw_name = f"raw Docker: {concurrency} threads create+start+wait+remove"
        self.raws: list[Rate] = []
        """Every raw window so far, in order: one before each container round, one after the last."""

    def raw_window(self) -> None:
        """One window of raw container starts, with nothing of the stack's running beside it."""
        self.pools.settle(self.instance)
        self.raws.append(parallel_start_rate(self.settings, self.concurrency, self.window_s))

    def container(self, index: int) -> tuple[tuple[Rate, Rate], str]:
        """One container batch, after the last raw window and before a new one: (its rate, the
        two windows' rate) and its note."""
        path = self.api.save_script(f"tp_container_{index:02d}", "python", TRIVIAL, isolation="container")
        self.pools.settle(self.instance)
        with ColdStarts(self.pools.client) as cold:
            rate, ran, enqueueing = batch(self.api, path, self.jobs,
                                          f"{self.jobs} jobs, container mode, round {index}")
        self.raw_window()
        before, after = self.raws[-2:]
        return (rate, combined(self.raw_name, [before, after])), (
            f"container round {index}: {cold.hits([job['id'] for job in ran])}/{self.jobs} pool hits · "
            f"{describe(ran, enqueueing, self.concurrency)} · raw {before.per_second:.2f}/s before, "
            f"{after.per_second:.2f}/s after")

    def warm_up(self) -> None:
        """Start each worker process's warm container, as container batches start with full pools."""
        self.pools.settle(self.instance)
        path = self.api.save_script("tp_warm_up", "python", TRIVIAL, isolation="warm")
        batch(self.api, path, WARM_UP_PER_PROCESS * self.concurrency, "warm-up")

    def warm(self, index: int) -> tuple[Rate, str]:
        path = self.api.save_script(f"tp_warm_{index:02d}", "python", TRIVIAL, isolation="warm")
        self.pools.settle(self.instance)
        rate, ran, enqueueing = batch(self.api, path, self.jobs,
                                      f"{self.jobs} jobs, warm mode, round {index}")
        return rate, f"warm round {index}: {describe(ran, enqueueing, self.concurrency)}"


def run(jobs: int, concurrency: int = 4, pool_size: int = 4, raw_seconds: float = 40,
        rounds: int = 3) -> Section:
    """`raw_seconds`: of raw starts around each container batch (half before, half after)."""
    settings = load_settings()
    client = docker.DockerClient(base_url=settings.docker_url)
    overrides = {"TASKMILL_POOL_SIZES": f"python={pool_size}",
                 "TASKMILL_WORKER_CONCURRENCY": str(concurrency)}
    with Stack(overrides=overrides) as stack:
        api = BenchApi(stack)
        bench = Rounds(api, PoolWatch(client, stack.proc.pid, pool_size * concurrency), settings, jobs,
                       concurrency, raw_seconds / 2)
        # The first job of a stack pays one-off costs (connections, first queries): not in a batch.
        api.run_wait(api.save_script("tp_first", "python", TRIVIAL))
        bench.raw_window()
        container_rounds, container_notes = zip(*(bench.container(index) for index in range(1, rounds + 1)))
        bench.warm_up()
        warm_rates, warm_notes = zip(*(bench.warm(index) for index in range(1, rounds + 1)))
    raw = combined(bench.raw_name, bench.raws)
    notes = [*_summary(container_rounds, warm_rates, bench, rounds), *container_notes, *warm_notes,
             f"{concurrency} worker processes, pools python={pool_size} each; the raw rate uses "
             f"job-container settings and {concurrency} threads: "
             f"{', '.join(f'{window.per_second:.2f}' for window in bench.raws)}/s "
             f"in its {len(bench.raws)} windows",
             "targets (issue 4): container mode ≥ 0.90 × the raw rate; warm mode ≥ 100 jobs/s"]
    rows = [*container_rounds, *((rate, raw) for rate in warm_rates), (raw, raw)]
    return Section(f"sustained throughput, {jobs} trivial jobs enqueued at once, {rounds} rounds per mode "
                   f"(baseline = raw start rate)", paired_rate_table(rows, "raw per s"), notes,
                   [rate for rate, _ in rows])


def _summary(container_rounds: Sequence[tuple[Rate, Rate]], warm_rates: Sequence[Rate], bench: Rounds,
             rounds: int) -> list[str]:
    """The two figures the targets are about: the medians of the rounds."""
    ratios = [rate.per_second / baseline.per_second for rate, baseline in container_rounds]
    speeds = [rate.per_second for rate in warm_rates]
    return [f"container mode ÷ raw start rate, median of {rounds} rounds: {statistics.median(ratios):.2f} "
            f"(rounds: {', '.join(f'{ratio:.2f}' for ratio in ratios)}); each round against the raw "
            f"windows just before and after it ({bench.window_s:.0f} s each)",
            f"warm mode, median of {rounds} rounds: {statistics.median(speeds):.1f} jobs/s "
            f"(rounds: {', '.join(f'{speed:.1f}' for speed in speeds)}); the warm containers were "
            f"started by {WARM_UP_PER_PROCESS * bench.concurrency} warm-up jobs"]
