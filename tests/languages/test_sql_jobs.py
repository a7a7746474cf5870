"""SQL jobs against the machine's real PostgreSQL: bound parameters, one transaction, typed
arguments checked before connecting. Jobs use the host network to reach 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.languages.conftest import query
from worker.sandbox.base import FailureKind

INSERT_NOTE = "-- $1 note (text)\n-- $2 amount (numeric) = NULL\n" \
              "INSERT INTO {table} (note, amount) VALUES ($1, $2) RETURNING id, note, amount;\n"


@pytest.fixture
def sql_job(run, backend_for, limits_for, scratch_database):
    """`sql_job(code, **args)`: the outcome of a SQL job against the scratch database."""
    def run_sql(code: str, database: dict | None = None, **args):
        args = {"database": database or scratch_database, **args}
        return run(backend_for("sql"), "sql", code, args, limits=limits_for("sql")).outcome
    return run_sql


def test_values_are_bound_never_spliced_into_the_sql(sql_job, table, scratch_database):
    hostile = "it's'); DROP TABLE " + table + "; --"
    outcome = sql_job(INSERT_NOTE.format(table=table), note=hostile, amount=12.5)
    assert outcome.success, outcome
    assert outcome.result == [{"id": 1, "note": hostile, "amount": "12.5"}]
    assert query(scratch_database, f"SELECT note FROM {table}") == [(hostile,)]


def test_an_error_rolls_back_every_statement_of_the_script(sql_job, table, scratch_database):
    code = (f"INSERT INTO {table} (note) VALUES ('first');\n"
            f"INSERT INTO {table} (note) VALUES (NULL);\n")
    outcome = sql_job(code)
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("NotNullViolation: ")
    assert query(scratch_database, f"SELECT count(*) FROM {table}") == [(0,)]


def test_a_wrong_argument_type_fails_before_connecting(sql_job):
    unreachable = {"host": "127.0.0.1", "port": 1, "user": "nobody", "dbname": "none"}
    outcome = sql_job("-- $1 count (int)\nSELECT $1;\n", database=unreachable, count="3")
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message == 'ArgumentError: argument count ($1) must be integer, got "3"'


def test_the_last_statements_rows_are_the_result(sql_job, table):
    code = (f"INSERT INTO {table} (note) VALUES ('a'), ('b');\n"
            f"SELECT note FROM {table} ORDER BY note;\n")
    assert sql_job(code).result == [{"note": "a"}, {"note": "b"}]


def test_a_statement_without_rows_returns_an_empty_list_and_logs_its_status(
        run, backend_for, limits_for, scratch_database, table):
    args = {"database": scratch_database}
    result = run(backend_for("sql"), "sql", f"DELETE FROM {table};\n", args,
                 limits=limits_for("sql"))
    assert result.outcome.result == []
    assert "DELETE 0" in result.logs


def test_typed_values_round_trip_as_json(sql_job):
    code = ("-- $1 day (date)\n-- $2 at (timestamptz)\n-- $3 doc (jsonb)\n-- $4 tags (text[])\n"
            "-- $5 ok (boolean)\n"
            "SELECT $1 AS day, $2 AS at, $3 AS doc, $4 AS tags, $5 AS ok, 1.50::numeric AS price,"
            " $1 + 1 AS next_day, $4[1] || '%' AS first;\n")
    outcome = sql_job(code, day="2024-02-28", at="2024-02-28T12:00:00+00:00",
                      doc={"a": [1, None]}, tags=["x", "y"], ok=False)
    assert outcome.success, outcome
    assert outcome.result == [{
        "day": "2024-02-28", "at": "2024-02-28T12:00:00+00:00", "doc": {"a": [1, None]},
        "tags": ["x", "y"], "ok": False, "price": "1.50", "next_day": "2024-02-29",
        "first": "x%"}]


def test_a_database_error_reports_the_server_message_and_line(sql_job):
    outcome = sql_job("SELECT 1;\nSELEC 2;\n")
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith('SyntaxError: syntax error at or near "SELEC"')
    assert "LINE 2" in outcome.message


def test_defaults_apply_when_an_argument_is_left_out(run, backend_for, limits_for,
                                                     scratch_database):
    from app.introspection import parse_parameters, run_args
    code = "-- $1 greeting (text) = 'hi'\nSELECT $1 AS greeting;\n"
    args = run_args("sql", parse_parameters("sql", code), {"database": scratch_database})
    outcome = run(backend_for("sql"), "sql", code, args, limits=limits_for("sql")).outcome
    assert outcome.result == [{"greeting": "hi"}]
