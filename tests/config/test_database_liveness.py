"""Pooled Postgres connections are checked by their socket, not by a round trip."""
from __future__ import annotations

import time

import psycopg2
from sqlalchemy import event, text

from app.db import Database
from tests.conftest import PG_ADMIN_DSN


def _statements(database: Database) -> list[str]:
    seen: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_rest: seen.append(statement))
    return seen


def _terminate(pids: list[int]) -> None:
    """End these server processes, and return once they are gone (the server has closed
    their connections by then, as after a restart)."""
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", (pids,))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backends {pids} did not end")
    finally:
        admin.close()


def test_a_session_sends_no_ping(settings):
    database = Database(settings.resolved_database_url())
    try:
        with database.session() as session:
            session.execute(text("SELECT 1 AS warm_up"))
        seen = _statements(database)
        with database.session() as session:
            assert session.execute(text("SELECT 42")).scalar() == 42
        assert seen == ["SELECT 42"]
    finally:
        database.dispose()


def test_connections_the_server_ended_are_replaced_before_use(settings):
    database = Database(settings.resolved_database_url())
    try:
        connections = [database.engine.connect() for _ in range(3)]  # three pooled connections
        pids = [connection.execute(text("SELECT pg_backend_pid()")).scalar() for connection in connections]
        for connection in connections:
            connection.close()
        _terminate(pids)
        for _ in range(3):  # each statement gets a live connection; none fails
            with database.session() as session:
                assert session.execute(text("SELECT 7")).scalar() == 7
    finally:
        database.dispose()


def test_each_statement_is_its_own_transaction(settings):
    """Database.statement: what a statement wrote stays, whatever follows it on the same
    connection, and is seen at once by others (psycopg2 sends no BEGIN or COMMIT with it)."""
    database = Database(settings.resolved_database_url())
    table = f"statement_probe_{time.monotonic_ns()}"
    try:
        with database.engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {table} (v int)"))
        with database.statement() as connection:
            assert connection.connection.dbapi_connection.autocommit is True
            connection.execute(text(f"INSERT INTO {table} VALUES (1)"))
            with database.session() as other:
                assert other.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1
            try:
                connection.execute(text(f"INSERT INTO {table} VALUES ('not a number')"))
            except Exception:
                pass
            # In a transaction block the failure would have aborted it, and this would fail.
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1
    finally:
        with database.engine.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
        database.dispose()


def test_statement_connections_the_server_ended_are_replaced_before_use(settings):
    database = Database(settings.resolved_database_url())
    try:
        with database.statement() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        _terminate([pid])
        with database.statement() as connection:
            assert connection.execute(text("SELECT 7")).scalar() == 7
    finally:
        database.dispose()
