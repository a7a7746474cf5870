"""TypeScript parameters typed with interfaces, object aliases or `Resource<"type">`."""
import textwrap

from jsonschema import Draft202012Validator

from app.introspection import parse_parameters


def schema_of(code: str) -> dict:
    schema = parse_parameters("typescript", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def param(declaration: str, prelude: str = "") -> dict:
    return schema_of(f"{prelude}\nexport async function main({declaration}) {{}}\n")["properties"]["x"]


POINT = "interface Point { x: number; y?: number }"


def test_resource_type_reference_gets_a_resource_format():
    assert param('x: Resource<"postgresql">') == {"type": "object", "format": "resource-postgresql"}


def test_optional_resource_parameter_is_not_required():
    schema = schema_of('export function main(db?: Resource<"s3">) {}\n')
    assert schema["properties"]["db"] == {"type": "object", "format": "resource-s3"}
    assert schema["required"] == []


def test_resource_without_a_string_literal_type_is_unconstrained():
    assert param("x: Resource<string>") == {"x-annotation": "Resource<string>"}


def test_interface_becomes_a_titled_object_in_member_order():
    assert param("x: Point", POINT) == {
        "type": "object", "title": "Point",
        "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
        "required": ["x"], "x-order": ["x", "y"]}


def test_object_alias_nests_interfaces_in_properties_and_arrays():
    prelude = POINT + "\ntype Route = { name: string; stops: Point[]; start: Point };"
    route = param("x: Route", prelude)
    assert route["title"] == "Route" and route["x-order"] == ["name", "stops", "start"]
    assert route["properties"]["stops"]["items"]["title"] == "Point"
    assert route["properties"]["start"]["required"] == ["x"]


def test_a_self_referencing_interface_is_followed_once():
    tree = param("x: Tree", "interface Tree { label: string; children: Tree[] }")
    assert tree["properties"]["children"] == {"type": "array", "items": {"x-annotation": "Tree"}}
