"""Unused dependency environments are removed after the retention period, and a later run
installs them again; a use noted meanwhile keeps one."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models import DependencyEnvironment, JobStatus, utcnow
from worker.celery_app import COLLECT_TASK, make_celery
from worker.deps import environments, installer, installer_for
from worker.deps.collector import collect

INSTALLED = "[taskmill] installed python dependencies"
USES_SIX = ("# requirements:\n# six==1.16.0\nimport six\n\n"
            "def main():\n    return six.__version__\n")
"""A requirement set no other test installs: their first runs expect to install theirs."""
RETENTION_DAYS = 30


@pytest.fixture(autouse=True)
def new_process():
    """Each test's database starts empty, so this process must not trust what it found in
    an earlier test: its first use of an environment is checked by the tool, as in a new
    worker process."""
    with installer._ready_lock:
        installer._ready.clear()


@pytest.fixture
def tools(executor_for, deps_settings, db):
    return installer_for(executor_for().backend, deps_settings, db).tools


def rows(db, tools) -> list[DependencyEnvironment]:
    with db.session() as session:
        return list(session.scalars(select(DependencyEnvironment).filter_by(cache=tools.cache_id)))


def age(db, tools, days: float) -> None:
    """As if no job used the cache's environments for `days`, in any process."""
    with db.session() as session:
        session.execute(update(DependencyEnvironment).where(DependencyEnvironment.cache == tools.cache_id)
                        .values(last_used_at=utcnow() - timedelta(days=days)))
    with installer._ready_lock:
        for entry in installer._ready:
            installer._ready[entry] = time.monotonic() - environments.NOTE_EVERY_S - 1


def test_an_environment_unused_past_the_retention_is_removed_then_installed_again(run_script, db, tools):
    first = run_script("u/alice/six", USES_SIX)
    assert first.status == JobStatus.SUCCESS, (first.error, first.logs)
    [row] = rows(db, tools)
    assert row.language == "python" and utcnow() - row.last_used_at < timedelta(minutes=1)

    age(db, tools, RETENTION_DAYS + 1)
    assert collect(db, tools, RETENTION_DAYS) == [("python", row.key)]
    assert rows(db, tools) == []

    again = run_script("u/alice/six", USES_SIX)
    assert again.status == JobStatus.SUCCESS and again.result == "1.16.0", (again.error, again.logs)
    assert INSTALLED in again.logs  # the folder was gone: installed anew, not found
    assert [r.key for r in rows(db, tools)] == [row.key]


def test_a_recent_use_keeps_an_environment(run_script, db, tools):
    assert run_script("u/alice/six", USES_SIX).status == JobStatus.SUCCESS
    age(db, tools, RETENTION_DAYS - 1)
    assert collect(db, tools, RETENTION_DAYS) == []
    assert len(rows(db, tools)) == 1


def test_a_use_noted_after_a_long_pause_keeps_it_from_removal(run_script, db, tools):
    """A process that trusted an environment over an hour ago notes its next use in the
    database (no install), and that use is what the collector then sees."""
    assert run_script("u/alice/six", USES_SIX).status == JobStatus.SUCCESS
    age(db, tools, RETENTION_DAYS + 1)
    later = run_script("u/alice/six", USES_SIX)
    assert later.status == JobStatus.SUCCESS and INSTALLED not in later.logs
    assert collect(db, tools, RETENTION_DAYS) == []
    assert utcnow() - rows(db, tools)[0].last_used_at < timedelta(minutes=1)


def test_beat_starts_the_collection_unless_retention_is_off(settings):
    entries = make_celery(settings.replace(deps_collect_every_s=60)).conf.beat_schedule
    assert entries["collect-dependencies"]["task"] == COLLECT_TASK
    assert entries["collect-dependencies"]["schedule"] == 60
    assert "collect-dependencies" not in make_celery(settings.replace(deps_retention_days=0)).conf.beat_schedule
