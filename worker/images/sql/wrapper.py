"""Taskmill's PostgreSQL job wrapper: runs in the runner image and, unsandboxed, on the host.

Reads one JSON line `{"statement", "parameters", "args"}` from stdin (the worker has already
rewritten `$N` as typed `%(pN)s` placeholders, see worker/languages/sql.py). Checks every
argument against its declared kind before connecting, then runs the statement(s) with the
values bound by psycopg2 in one transaction: committed if all succeed, rolled back otherwise.
Writes exactly one JSON frame to stdout:
    {"ok": true, "result": [{column: value, ...}, ...]}   (the last statement's rows)
    {"ok": false, "error": {"name": ..., "message": ..., "traceback": null}}
Dates and times become ISO 8601 strings; numeric values (Decimal) become strings, so that no
digit is lost; bytea becomes base64. Server notices and the last command's status go to
stderr (the job's logs). The envelope's `env` is not used: no user code runs here.
"""
import base64
import datetime
import decimal
import json
import os
import sys
import uuid

import psycopg2
import psycopg2.extras

CONNECT_TIMEOUT_S = 10
CONNECTION_KEYS = ("host", "port", "user", "password", "dbname", "sslmode")


class ArgumentError(Exception):
    """An argument does not fit its declared type, or the connection object is unusable."""


def check_scalar(kind, value):
    """The value psycopg2 binds for a JSON `value` of declared `kind`, or ArgumentError."""
    if kind == "json":
        return psycopg2.extras.Json(value)
    if kind == "text" and isinstance(value, str):
        return value
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    parse = {"date": datetime.date.fromisoformat, "timestamp": datetime.datetime.fromisoformat}
    if kind in parse and isinstance(value, str):
        try:
            return parse[kind](value)
        except ValueError:
            pass
    expected = {"date": "a date string (YYYY-MM-DD)",
                "timestamp": "a timestamp string (ISO 8601)"}.get(kind, kind)
    raise ArgumentError(f"must be {expected}, got {json.dumps(value)[:80]}")


def bind_values(parameters, args):
    """{"pN": value} for every declared parameter; ArgumentError names the first bad one."""
    values = {}
    for parameter in parameters:
        value = args.get(parameter["name"])
        try:
            if value is not None and parameter["array"]:
                if not isinstance(value, list):
                    raise ArgumentError(f"must be an array, got {json.dumps(value)[:80]}")
                value = [None if item is None else check_scalar(parameter["kind"], item)
                         for item in value]
            elif value is not None:
                value = check_scalar(parameter["kind"], value)
        except ArgumentError as exc:
            raise ArgumentError(f"argument {parameter['name']} (${parameter['position']}) {exc}")
        values[f"p{parameter['position']}"] = value
    return values


def connection_args(database):
    if not isinstance(database, dict) or not database.get("host"):
        raise ArgumentError("argument database must be a connection object "
                            "{host, port, user, password, dbname}")
    return {key: database[key] for key in CONNECTION_KEYS if database.get(key) is not None}


def execute(connection, statement, values):
    """Rows of the last statement as objects; the caller commits or rolls back."""
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        print(cursor.statusmessage, file=sys.stderr)
        if cursor.description is None:
            return []
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def to_json(value):
    """What json.dumps cannot encode by itself, as PostgreSQL types come out of psycopg2."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, datetime.timedelta)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return str(value)


def error_frame(name, message):
    return json.dumps({"ok": False, "error": {"name": name, "message": message, "traceback": None}})


def run(envelope):
    """(exit status, frame): nothing touches the database before every argument checks out."""
    try:
        values = bind_values(envelope["parameters"], envelope["args"])
        connect = connection_args(envelope["args"].get("database"))
    except ArgumentError as exc:
        return 1, error_frame("ArgumentError", str(exc))
    connection = None
    try:
        connection = psycopg2.connect(**connect, connect_timeout=CONNECT_TIMEOUT_S,
                                      application_name="taskmill")
        with connection:  # commits when the block succeeds, rolls back when it raises
            rows = execute(connection, envelope["statement"], values if values else None)
    except psycopg2.Error as exc:
        return 1, error_frame(type(exc).__name__, str(exc).strip())
    finally:
        if connection is not None:
            sys.stderr.writelines(connection.notices)
            connection.close()
    try:
        return 0, json.dumps({"ok": True, "result": rows}, default=to_json, allow_nan=False)
    except ValueError as exc:
        return 1, error_frame("ResultNotJSON", f"the rows are not JSON: {exc}")


def main():
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed on stdout is a log line, not part of the frame
    envelope = json.loads(sys.stdin.buffer.readline())
    status, frame = run(envelope)
    channel.write(frame + "\n")
    channel.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
