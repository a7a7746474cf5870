"""Go scripts: func main's parameters become the job's argument schema, read without Go."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import MissingEntrypoint, ScriptSyntaxError, parse_parameters


def schema_of(code: str) -> dict:
    """Introspect `code`, asserting on the way that the result is a valid 2020-12 schema."""
    schema = parse_parameters("go", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def param(declaration: str, prelude: str = "") -> dict:
    """Schema of the single parameter `x` declared as `declaration` (e.g. "x int")."""
    code = f"package main\n{prelude}\nfunc main({declaration}) (interface{{}}, error) {{\n" \
           "\treturn nil, nil\n}\n"
    return schema_of(code)["properties"]["x"]


@pytest.mark.parametrize("go_type, expected", [
    ("int", {"type": "integer"}), ("int64", {"type": "integer"}), ("uint8", {"type": "integer"}),
    ("float64", {"type": "number"}), ("string", {"type": "string"}), ("bool", {"type": "boolean"}),
    ("interface{}", {}), ("any", {}), ("time.Time", {"type": "string", "format": "date-time"}),
])
def test_basic_types_map_to_json_types(go_type, expected):
    assert param(f"x {go_type}") == expected


def test_slices_and_maps_constrain_their_elements():
    assert param("x []string") == {"type": "array", "items": {"type": "string"}}
    assert param("x map[string][]int") == {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "integer"}}}


def test_structs_declared_in_the_file_use_their_json_tags():
    prelude = textwrap.dedent("""
        type Point struct {
            X      int `json:"x"`
            Y      int `json:"y,omitempty"`
            Label  string
            hidden int
            Skip   bool `json:"-"`
        }
    """)
    assert param("x Point", prelude) == {"type": "object", "properties": {
        "x": {"type": "integer"}, "y": {"type": "integer"}, "Label": {"type": "string"}}}


def test_named_types_are_followed_to_their_underlying_type():
    assert param("x ID", "type (\n\tID int64\n\tName = string\n)") == {"type": "integer"}


def test_pointers_are_nullable_and_optional():
    schema = schema_of("package main\nfunc main(x *int, y int) {}\n")
    assert schema["properties"]["x"] == {"type": ["integer", "null"]}
    assert schema["required"] == ["y"]


def test_grouped_names_share_a_type_and_unnamed_ones_are_numbered():
    schema = schema_of("package main\nfunc main(a, b string, _ int) {}\n")
    assert schema["x-order"] == ["a", "b", "arg3"]
    assert schema["properties"]["b"] == {"type": "string"}
    assert schema_of("package main\nfunc main(int, string) {}\n")["x-order"] == ["arg1", "arg2"]


def test_the_comment_above_main_is_the_description():
    code = "package main\n\n// Adds two numbers.\nfunc main(a, b int) int { return a + b }\n"
    assert schema_of(code)["description"] == "Adds two numbers."


def test_methods_named_main_are_not_the_entry_point():
    with pytest.raises(MissingEntrypoint):
        schema_of("package main\ntype S struct{}\nfunc (s S) main() {}\n")


@pytest.mark.parametrize("code, line, column, reason", [
    ("package main\nfunc main() {\n\tif true {\n}\n", 2, 13, "{ is never closed"),
    ("package main\nfunc main() {\n\tf(1))\n}\n", 3, 6, "unexpected )"),
    ('package main\nvar s = "abc\nfunc main() {}\n', 2, 9, "string literal not terminated"),
    ("func main() {}\n", 1, 1, "a Go script starts with a package clause: package main"),
])
def test_syntax_errors_carry_line_and_column(code, line, column, reason):
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of(code)
    assert (caught.value.line, caught.value.column, caught.value.reason) == (line, column, reason)


def test_braces_inside_strings_and_comments_do_not_count():
    code = 'package main\n// {\nfunc main(x int) string {\n\treturn "}" + `{`\n}\n'
    assert schema_of(code)["x-order"] == ["x"]


def test_a_file_without_func_main_is_missing_its_entry_point():
    with pytest.raises(MissingEntrypoint):
        schema_of("package main\nfunc helper() {}\n")
