"""TypeScript scripts: the exported main()'s parameters become the job's argument schema."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import MissingEntrypoint, ScriptSyntaxError, parse_parameters, run_args


def schema_of(code: str) -> dict:
    """Introspect `code`, asserting on the way that the result is a valid 2020-12 schema."""
    schema = parse_parameters("typescript", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def param(declaration: str, prelude: str = "") -> dict:
    """Schema of the single parameter `x` declared as `declaration` (e.g. "x: number = 3")."""
    code = f"{prelude}\nexport async function main({declaration}) {{}}\n"
    return schema_of(code)["properties"]["x"]


def is_required(declaration: str) -> bool:
    return "x" in schema_of(f"export function main({declaration}) {{}}\n")["required"]


@pytest.mark.parametrize("annotation, expected", [
    ("number", {"type": "number"}),
    ("string", {"type": "string"}),
    ("boolean", {"type": "boolean"}),
    ("unknown", {}),
    ("any", {}),
])
def test_keyword_types_map_to_json_types(annotation, expected):
    assert param(f"x: {annotation}") == expected


@pytest.mark.parametrize("annotation", ["string[]", "Array<string>", "readonly string[]"])
def test_arrays_constrain_their_items(annotation):
    assert param(f"x: {annotation}") == {"type": "array", "items": {"type": "string"}}


def test_string_literal_unions_are_enums():
    assert param('x: "x" | "y"') == {"type": "string", "enum": ["x", "y"]}


def test_aliases_and_enums_declared_in_the_file_are_followed():
    prelude = 'type Color = "red" | "green";\nenum Mode { Fast = "fast", Slow = "slow" }'
    assert param("x: Color", prelude) == {"type": "string", "enum": ["red", "green"]}
    assert param("x: Mode", prelude) == {"type": "string", "enum": ["fast", "slow"]}


def test_object_literal_types_become_objects_with_required_properties():
    assert param("x: { a: number; b?: string }") == {
        "type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}},
        "required": ["a"], "x-order": ["a", "b"],
    }


def test_interfaces_declared_in_the_file_become_objects():
    prelude = "interface Point { x: number; y: number }"
    assert param("x: Point", prelude)["properties"] == {"x": {"type": "number"},
                                                        "y": {"type": "number"}}


def test_record_of_string_keys_constrains_additional_properties():
    assert param("x: Record<string, number>") == {
        "type": "object", "additionalProperties": {"type": "number"}}


def test_a_null_union_admits_null():
    assert param("x: string | null") == {"type": ["string", "null"]}


def test_unknown_types_are_unconstrained_with_their_spelling():
    assert param("x: Map<string, number>") == {"x-annotation": "Map<string, number>"}


def test_defaults_are_kept_and_give_the_type_when_unannotated():
    assert param('x: "x" | "y" = "x"') == {"type": "string", "enum": ["x", "y"], "default": "x"}
    assert param("x = 3") == {"type": "number", "default": 3}
    assert param("x = [1, 2]") == {"type": "array", "default": [1, 2]}


@pytest.mark.parametrize("declaration, required", [
    ("x: number", True), ("x?: number", False), ("x = 1", False),
    ("x: number | undefined", False), ("x = Date.now()", False),
])
def test_optional_or_defaulted_parameters_are_not_required(declaration, required):
    assert is_required(declaration) is required


def test_parameters_keep_declaration_order_and_jsdoc():
    schema = schema_of("""
        /**
         * Adds things.
         * @param b - the second
         */
        export async function main(b: number, a: string, c?: string[]) {}
    """)
    assert schema["x-order"] == ["b", "a", "c"]
    assert schema["description"] == "Adds things."
    assert schema["properties"]["b"]["description"] == "the second"


@pytest.mark.parametrize("code", [
    "export const main = async (x: number) => x;\n",
    "function main(x: number) {}\nexport { main };\n",
])
def test_arrow_functions_and_named_exports_are_entry_points(code):
    assert schema_of(code)["x-order"] == ["x"]


def test_a_main_that_is_not_exported_is_missing():
    with pytest.raises(MissingEntrypoint):
        schema_of("function main(x: number) {}\n")


def test_syntax_errors_carry_line_and_column():
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of("export function main() {\n  const x = ;\n}\n")
    assert (caught.value.line, caught.value.column) == (2, 13)
    assert "Expression expected" in caught.value.reason


def test_the_code_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    code = (f"import {{ writeFileSync }} from 'fs';\nwriteFileSync({str(marker)!r}, 'x');\n"
            "export function main(x: number) {}\n")
    assert schema_of(code)["x-order"] == ["x"]
    assert not marker.exists()


def test_run_args_fill_every_position_in_order():
    schema = schema_of('export function main(a: number, b?: string, c = "z") {}\n')
    assert list(run_args("typescript", schema, {"a": 1})) == ["a", "b", "c"]
    assert run_args("typescript", schema, {"a": 1}) == {"a": 1, "b": None, "c": "z"}
