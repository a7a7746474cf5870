"""PostgreSQL scripts: parameters declared in comment lines, `-- $1 name (type) = default`.

- `$N` is the parameter's position in the statement(s); `(type)` is optional (text), one of
  SQL_TYPES, optionally with `[]` for an array; `= default` is optional and makes the parameter
  optional (`NULL` as default also lets it be null). Quoted defaults use SQL quoting: 'it''s'.
- Every script also takes `database`: the connection object of the resource it runs against.
- The statements themselves are scanned (strings, quoted identifiers, comments and dollar
  quotes skipped) for `$N` placeholders; one without a declaration is an error.

`to_pyformat` rewrites the placeholders for psycopg2's driver-side binding: `$1` becomes
`(%(p1)s::integer)`, so a value is always a bound, typed parameter and never SQL text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from app.introspection.base import Introspector, Schema, ScriptSyntaxError, object_schema
from app.introspection.sql_scan import line_column, placeholders

SQL_TYPES: dict[str, tuple[str, str]] = {
    "text": ("text", "text"), "varchar": ("varchar", "text"), "uuid": ("uuid", "text"),
    "int": ("integer", "integer"), "integer": ("integer", "integer"), "int4": ("integer", "integer"),
    "bigint": ("bigint", "integer"), "int8": ("bigint", "integer"),
    "smallint": ("smallint", "integer"), "int2": ("smallint", "integer"),
    "numeric": ("numeric", "number"), "decimal": ("numeric", "number"),
    "float": ("double precision", "number"), "float8": ("double precision", "number"),
    "double precision": ("double precision", "number"), "real": ("real", "number"),
    "boolean": ("boolean", "boolean"), "bool": ("boolean", "boolean"),
    "date": ("date", "date"), "timestamp": ("timestamp", "timestamp"),
    "timestamptz": ("timestamptz", "timestamp"), "json": ("json", "json"), "jsonb": ("jsonb", "json"),
}
"""Declared type → (the cast the placeholder gets, the kind of JSON value it takes)."""
KIND_SCHEMAS: dict[str, Schema] = {
    "text": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
    "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
    "timestamp": {"type": "string", "format": "date-time"}, "json": {},
}
DATABASE_ARG = "database"
"""The connection argument every SQL script takes."""
DATABASE_SCHEMA: Schema = {
    "type": "object", "format": "resource-postgresql",
    "description": "The PostgreSQL database to run against",
    "properties": {"host": {"type": "string"}, "port": {"type": "integer", "default": 5432},
                   "user": {"type": "string"}, "password": {"type": "string"},
                   "dbname": {"type": "string"}, "sslmode": {"type": "string"}},
    "required": ["host", "user", "dbname"],
}

_DECLARATION_START = re.compile(r"^[ \t]*--[ \t]*\$\d", re.MULTILINE)
_DECLARATION = re.compile(
    r"[ \t]*--[ \t]*\$(?P<position>\d+)[ \t]+(?P<name>[A-Za-z_]\w*)[ \t]*"
    r"(?:\([ \t]*(?P<type>[A-Za-z][A-Za-z0-9 ]*?)[ \t]*(?P<array>\[\])?[ \t]*\))?[ \t]*"
    r"(?:=[ \t]*(?P<default>.*?))?[ \t]*")
_NO_DEFAULT = object()


@dataclass(frozen=True)
class SqlParameter:
    """One declared parameter: `$position`, its name, cast, JSON kind and default."""

    position: int
    name: str
    cast: str
    kind: str
    array: bool
    default: Any = _NO_DEFAULT

    @property
    def schema(self) -> Schema:
        schema = dict(KIND_SCHEMAS[self.kind])
        if self.array:
            schema = {"type": "array", "items": schema}
        if self.default is not _NO_DEFAULT:
            if self.default is None and "type" in schema:
                schema["type"] = [schema["type"], "null"]
            schema["default"] = self.default
        return schema


class SqlIntrospector(Introspector):
    """Schema of a PostgreSQL script: `database`, then its declared `$N` parameters."""

    language = "sql"

    def parse_parameters(self, code: str) -> Schema:
        parameters = declared_parameters(code)
        properties: dict[str, Schema] = {DATABASE_ARG: dict(DATABASE_SCHEMA)}
        required = [DATABASE_ARG]
        for parameter in parameters:
            properties[parameter.name] = parameter.schema
            if parameter.default is _NO_DEFAULT:
                required.append(parameter.name)
        return object_schema(properties, required)


def declared_parameters(code: str) -> list[SqlParameter]:
    """The declared parameters in `$N` order; ScriptSyntaxError for a bad or missing one."""
    parameters: dict[int, SqlParameter] = {}
    for start in _DECLARATION_START.finditer(code):
        parameter = _declaration(code, start.start())
        where = line_column(code, start.start())
        if parameter.name == DATABASE_ARG:
            raise ScriptSyntaxError(f"{DATABASE_ARG!r} names the connection argument", *where)
        if parameter.position in parameters or parameter.name in {p.name for p in parameters.values()}:
            what = f"${parameter.position}" if parameter.position in parameters else parameter.name
            raise ScriptSyntaxError(f"{what} is declared twice", *where)
        parameters[parameter.position] = parameter
    statements = False
    for position, offset in placeholders(code):
        statements = True
        if position not in parameters:
            raise ScriptSyntaxError(f"${position} is not declared: add a line "
                                    f"`-- ${position} name (type)`", *line_column(code, offset))
    if not statements and not _has_statement(code):
        raise ScriptSyntaxError("the script has no SQL statement")
    return [parameters[position] for position in sorted(parameters)]


def to_pyformat(code: str, parameters: list[SqlParameter]) -> str:
    """`code` with each `$N` as a typed psycopg2 placeholder `(%(pN)s::cast)`.

    With parameters, every `%` is doubled, as psycopg2 reads the whole text as a format.
    """
    if not parameters:
        return code
    casts = {p.position: p.cast + ("[]" if p.array else "") for p in parameters}
    pieces, last = [], 0
    for position, offset in placeholders(code):
        pieces.append(code[last:offset].replace("%", "%%"))
        pieces.append(f"(%(p{position})s::{casts[position]})")
        last = offset + len(str(position)) + 1
    pieces.append(code[last:].replace("%", "%%"))
    return "".join(pieces)


def _declaration(code: str, offset: int) -> SqlParameter:
    end = code.find("\n", offset)
    line = code[offset:] if end < 0 else code[offset:end]
    found = _DECLARATION.fullmatch(line.rstrip("\r"))
    where = line_column(code, offset)
    if not found:
        raise ScriptSyntaxError("a parameter line reads `-- $1 name (type) = default`", *where)
    type_name = " ".join((found["type"] or "text").lower().split())
    if type_name not in SQL_TYPES:
        raise ScriptSyntaxError(f"unknown parameter type {type_name!r} (known: "
                                f"{', '.join(SQL_TYPES)})", *where)
    cast, kind = SQL_TYPES[type_name]
    parameter = SqlParameter(int(found["position"]), found["name"], cast, kind, bool(found["array"]))
    if found["default"] is None:
        return parameter
    try:
        default = _default(found["default"], kind, parameter.array)
    except ValueError as exc:
        raise ScriptSyntaxError(f"bad default for {parameter.name}: {exc}", *where) from None
    return replace(parameter, default=default)


def _default(text: str, kind: str, array: bool) -> Any:
    """The JSON value of a default as written after `=`; ValueError if it does not fit."""
    if text.upper() == "NULL":
        return None
    if array:
        values = _json_or_none(text)
        if not isinstance(values, list):
            raise ValueError("an array default is a JSON array, e.g. [1, 2]")
        return [_default(json.dumps(value), kind, False) for value in values]
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{text} is not JSON ({exc})") from None
    if kind in ("integer", "number"):
        wanted = int if kind == "integer" else (int, float)
        number = _json_or_none(text)
        if isinstance(number, bool) or not isinstance(number, wanted):
            raise ValueError(f"{text} is not {'an integer' if kind == 'integer' else 'a number'}")
        return number
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() == "true"
    value = _unquote(text)
    if kind == "date":
        date.fromisoformat(value)
    elif kind == "timestamp":
        datetime.fromisoformat(value)
    return value


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text)
    return text


def _has_statement(code: str) -> bool:
    without_comments = re.sub(r"--[^\n]*", "", code)
    return bool(re.sub(r"/\*.*?\*/", "", without_comments, flags=re.DOTALL).strip(" \t\r\n;"))
