"""Fixtures for the TypeScript, Go and SQL jobs: each backend that can run a language, a
scratch PostgreSQL database for SQL jobs, and the `run` factory of the sandbox tests."""
from __future__ import annotations

import dataclasses
import os
import shutil
import uuid

import psycopg2
import pytest

from config import Settings
from tests.conftest import PG_ADMIN_DSN, TEST_DB
from tests.worker.conftest import TEST_LIMITS, require_docker, run, sandbox_settings  # noqa: F401
from worker.sandbox import BACKENDS
from worker.sandbox.base import SandboxBackend

LOCAL_TOOLCHAINS = {"typescript": "bun", "go": "go", "sql": None}
"""The host program the local backend needs per language (SQL runs on the worker's Python)."""
LIMITS = {
    # The local backend limits address space (RLIMIT_AS), and runtimes reserve more of it than
    # they use: Bun aborts under ~384 MB, the Go runtime (go build, the job) under ~768 MB.
    "typescript": dataclasses.replace(TEST_LIMITS, memory_mb=512),
    # go build also needs time: the timeout leaves room for a slow machine.
    "go": dataclasses.replace(TEST_LIMITS, timeout_s=90, memory_mb=1024),
    # SQL jobs reach the machine's Postgres on 127.0.0.1 through the host network.
    "sql": dataclasses.replace(TEST_LIMITS, network="host"),
}


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def backend_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def backend_for(backend_name: str, sandbox_settings: Settings):  # noqa: F811
    """`backend_for(language)`: the backend under test, or a skip when it cannot run it."""

    def make(language: str) -> SandboxBackend:
        if backend_name == "docker":
            require_docker(sandbox_settings)
        elif LOCAL_TOOLCHAINS[language] and shutil.which(LOCAL_TOOLCHAINS[language]) is None:
            pytest.skip(f"the local backend needs `{LOCAL_TOOLCHAINS[language]}` on the host")
        return BACKENDS[backend_name](sandbox_settings)

    return make


@pytest.fixture
def limits_for():
    """`limits_for(language, **changes)`: the test limits of a language, some changed."""
    return lambda language, **changes: dataclasses.replace(LIMITS[language], **changes)


@pytest.fixture(scope="session")
def scratch_database() -> dict:
    """A fresh database for SQL jobs, as the connection object a `database` argument holds."""
    name = f"{TEST_DB}_sqljobs"
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    dsn = psycopg2.extensions.parse_dsn(PG_ADMIN_DSN)
    yield {"host": dsn.get("host", "127.0.0.1"), "port": int(dsn.get("port", 5432)),
           "user": dsn.get("user", os.environ.get("USER", "postgres")), "dbname": name}
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def table(scratch_database: dict):
    """A new empty table `(id serial, note text, amount numeric)`; yields its name."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg2.connect(**scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} (id serial PRIMARY KEY, note text NOT NULL, "
                       "amount numeric)")
    yield name


def query(database: dict, sql: str) -> list[tuple]:
    """Rows of `sql`, read directly (not through a job)."""
    connection = psycopg2.connect(**database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()
