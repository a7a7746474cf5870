"""Queue-to-start latency per language: job created → the user code's first line.

Each script returns the wall-clock time at its first line (time.time(), Date.now(),
time.Now(), `date +%s.%N`, Postgres' clock_timestamp()); the job's created_at comes from the
API. One machine, one clock. Each run is a sync run with the stack's pools full (one pooled
container per language), after untimed warm-up runs (the first Go run builds its binary).
Same-run baseline per language: from calling a cold `docker run --rm` of the language's
runner image to the first line of a program in it.

SQL jobs reach the bench's own Postgres (TASKMILL_DATABASE_URL) on 127.0.0.1, so this stack
runs its job containers on the host network; without a Postgres URL the SQL row is skipped.
"""
from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from typing import Any

import docker

from bench.container_start import first_line_after_cold_run
from bench.docker_watch import ColdStarts, PoolWatch
from bench.stack import BenchApi, Stack, epoch, postgres_connection
from bench.stats import Sample, Section, paired_table
from config import load_settings

SQL_CLOCK = "select extract(epoch from clock_timestamp()) as now"


@dataclass(frozen=True)
class Probe:
    """A script whose first line reports the time, and a program that does the same in a
    cold container of the language's image (the baseline)."""

    language: str
    script: str
    cold_command: list[str]


def _first_line_time(result: Any) -> float:
    """The timestamp a probe returned: a number, or SQL's rows [{"now": "<numeric>"}]."""
    return float(result[0]["now"]) if isinstance(result, list) else float(result)


def probes(database: dict | None) -> list[Probe]:
    found = [
        Probe("python", "import time\n\ndef main():\n    return time.time()\n",
              ["python3", "-c", "import time; print(time.time())"]),
        Probe("typescript", "export function main() {\n  return Date.now() / 1000;\n}\n",
              ["bun", "-e", "console.log(Date.now() / 1000)"]),
        Probe("go", 'package main\n\nimport "time"\n\nfunc main() (interface{}, error) {\n'
                    "\treturn float64(time.Now().UnixNano()) / 1e9, nil\n}\n",
              ["date", "+%s.%N"]),  # a compiled program: its first line comes right at exec
        Probe("bash", "date +%s.%N\n", ["bash", "-c", "date +%s.%N"]),
    ]
    if database is not None:
        connect = ", ".join(f"{k}={v!r}" for k, v in database.items())
        found.append(Probe("sql", SQL_CLOCK + ";\n", [
            "python3", "-c", f"import psycopg2; c = psycopg2.connect({connect}); cur = c.cursor(); "
                             f"cur.execute({SQL_CLOCK!r}); print(cur.fetchone()[0])"]))
    return found


@dataclass
class Measured:
    sample: Sample
    queue: list[float]
    """created → started (broker, claim) per run; the rest is the worker's handoff to the code."""
    hits: int


def measure_language(api: BenchApi, pools: PoolWatch, client: docker.DockerClient, probe: Probe,
                     args: dict, runs: int, warmup: int) -> Measured:
    path = api.save_script(f"first_line_{probe.language}", probe.language, probe.script)
    delays, queue, ran = [], [], []
    with ColdStarts(client) as cold:
        for _ in range(warmup):  # not waiting for the pool: a warm-up also renews a pool that aged
            ran.append(api.run_wait(path, args)[1])
        for _ in range(runs):
            pools.wait_full()
            result, job_id = api.run_wait(path, args)
            job = api.job(job_id)
            delays.append(_first_line_time(result) - epoch(job["created_at"]))
            queue.append(epoch(job["started_at"]) - epoch(job["created_at"]))
            ran.append(job_id)
    return Measured(Sample(probe.language, delays), queue, cold.hits(ran[warmup:]))


def run(runs: int, warmup: int = 2) -> Section:
    settings = load_settings()
    client = docker.DockerClient(base_url=settings.docker_url)
    database = postgres_connection(os.environ.get("TASKMILL_DATABASE_URL", ""))
    chosen = probes(database)
    sizes = ",".join(f"{probe.language}=1" for probe in chosen)
    overrides = {"TASKMILL_POOL_SIZES": sizes, "TASKMILL_WORKER_CONCURRENCY": "1",
                 "TASKMILL_JOB_NETWORK": "host"}
    measured: list[tuple[Probe, Measured]] = []
    rows, notes = [], []
    with Stack(overrides=overrides) as stack:
        api = BenchApi(stack)
        pools = PoolWatch(client, stack.proc.pid, len(chosen))
        for probe in chosen:
            args = {"database": database} if probe.language == "sql" else {}
            try:
                measured.append((probe, measure_language(api, pools, client, probe, args, runs, warmup)))
            except RuntimeError as exc:  # one broken language must not hide the others' figures
                notes.append(f"{probe.language:10} FAILED: {str(exc)[:300]}")
    for probe, found in measured:
        baseline = first_line_after_cold_run(settings.image_for(probe.language), probe.cold_command, runs,
                                             f"cold docker run, {probe.language}", ("--network", "host"))
        rows.append((found.sample, baseline))
        handoff = statistics.median(d - q for d, q in zip(found.sample.seconds, found.queue))
        notes.append(f"{probe.language:10} where the time goes (medians): queue (created→started) "
                     f"{statistics.median(found.queue) * 1000:.1f} ms · started→first line "
                     f"{handoff * 1000:.1f} ms · {found.hits}/{runs} pool hits")
    if database is None:
        notes.append("sql skipped: set TASKMILL_DATABASE_URL to a Postgres database")
    notes.append("one worker process, one pooled container per language, job containers on the host network")
    return Section(f"queue-to-start latency, job created → user code's first line ({runs} runs each)",
                   paired_table(rows, "cold docker run"), notes, [s for row in rows for s in row])
