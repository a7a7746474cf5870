"""SQL scripts: `-- $N name (type) = default` lines and the `database` connection argument."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import ScriptSyntaxError, parse_parameters
from app.introspection.sql import declared_parameters, to_pyformat


def schema_of(code: str) -> dict:
    """Introspect `code`, asserting on the way that the result is a valid 2020-12 schema."""
    schema = parse_parameters("sql", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def param(declaration: str) -> dict:
    return schema_of(f"-- $1 {declaration}\nSELECT $1;\n")["properties"]["x"]


def test_every_script_takes_a_required_postgres_connection_first():
    schema = schema_of("SELECT 1;\n")
    assert schema["x-order"] == ["database"] and schema["required"] == ["database"]
    assert schema["properties"]["database"]["format"] == "resource-postgresql"


@pytest.mark.parametrize("sql_type, expected", [
    ("text", {"type": "string"}), ("int", {"type": "integer"}), ("bigint", {"type": "integer"}),
    ("numeric", {"type": "number"}), ("float", {"type": "number"}), ("boolean", {"type": "boolean"}),
    ("date", {"type": "string", "format": "date"}),
    ("timestamp", {"type": "string", "format": "date-time"}), ("jsonb", {}),
    ("int[]", {"type": "array", "items": {"type": "integer"}}),
])
def test_declared_types_map_to_json_types(sql_type, expected):
    assert param(f"x ({sql_type})") == expected


def test_a_parameter_without_type_is_text():
    assert param("x") == {"type": "string"}


@pytest.mark.parametrize("declaration, default", [
    ("x (text) = 'it''s'", "it's"), ("x (text) = plain words", "plain words"),
    ("x (int) = 3", 3), ("x (numeric) = 2.5", 2.5), ("x (boolean) = true", True),
    ("x (date) = '2024-02-29'", "2024-02-29"), ("x (jsonb) = {\"a\": [1]}", {"a": [1]}),
])
def test_defaults_are_parsed_by_type_and_make_the_parameter_optional(declaration, default):
    schema = schema_of(f"-- $1 {declaration}\nSELECT $1;\n")
    assert schema["properties"]["x"]["default"] == default
    assert schema["required"] == ["database"]


def test_a_null_default_admits_null():
    assert param("x (int) = NULL") == {"type": ["integer", "null"], "default": None}


def test_parameters_are_ordered_by_position():
    schema = schema_of("-- $2 second (int)\n-- $1 first (text)\nSELECT $1, $2;\n")
    assert schema["x-order"] == ["database", "first", "second"]


@pytest.mark.parametrize("code, line, column, reason", [
    ("SELECT 1\nWHERE x = $1;\n", 2, 11, "$1 is not declared"),
    ("-- $1 x (money)\nSELECT $1;\n", 1, 1, "unknown parameter type 'money'"),
    ("-- $1 is the id\nSELECT 1;\n", 1, 1, "a parameter line reads"),
    ("-- $1 x (int) = many\nSELECT $1;\n", 1, 1, "bad default for x"),
    ("-- $1 x\n-- $1 y\nSELECT $1;\n", 2, 1, "$1 is declared twice"),
    ("-- $1 database\nSELECT $1;\n", 1, 1, "'database' names the connection argument"),
    ("SELECT 'abc;\n", 1, 8, "unterminated string"),
    ("-- only a comment\n", 1, 1, "the script has no SQL statement"),
])
def test_mistakes_are_syntax_errors_with_line_and_column(code, line, column, reason):
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of(code)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.reason.startswith(reason)


def test_placeholders_in_strings_comments_identifiers_and_dollar_quotes_are_text():
    code = ("-- $1 x (int)\nSELECT $1, '$2 %', E'\\'$2', \"c$2\", a$2, $$ $2 $$, $q$ $2 $q$"
            " /* $2 /* $2 */ */ -- $2\n")
    assert to_pyformat(code, declared_parameters(code)) == (
        "-- $1 x (int)\nSELECT (%(p1)s::integer), '$2 %%', E'\\'$2', \"c$2\", a$2, $$ $2 $$,"
        " $q$ $2 $q$ /* $2 /* $2 */ */ -- $2\n")


def test_without_parameters_the_statement_is_left_as_written():
    assert to_pyformat("SELECT 10 % 3;\n", []) == "SELECT 10 % 3;\n"
