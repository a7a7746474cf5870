"""The run form's fields come from the script's JSON Schema: order, kinds, defaults, marks."""
from __future__ import annotations

import json

from app.introspection import parse_parameters
from webui.schema_form import MAX_DEPTH, form_fields

SIGNATURE = '''\
from typing import Literal, Optional

def main(b: int, a: str = "x", flag: bool = True, mode: Literal["fast", "slow"] = "slow",
         ids: list[int] = [1, 2], opts: dict = {}, note: Optional[str] = None, anything=None):
    """Doc.

    Args:
        b: How many.
    """
'''


def fields_by_name() -> dict:
    return {f.name: f for f in form_fields(parse_parameters("python", SIGNATURE))}


def test_fields_follow_declaration_order():
    schema = parse_parameters("python", SIGNATURE)
    assert [f.name for f in form_fields(schema)] == schema["x-order"]


def test_properties_missing_from_x_order_come_last():
    schema = {"properties": {"z": {"type": "string"}, "a": {"type": "string"}}, "x-order": ["a"]}
    assert [f.name for f in form_fields(schema)] == ["a", "z"]


def test_required_parameter_is_marked_and_described():
    b = fields_by_name()["b"]
    assert (b.kind, b.required, b.description, b.value) == ("integer", True, "How many.", "")


def test_defaults_are_prefilled_in_the_text_each_kind_reads():
    fields = fields_by_name()
    assert fields["a"].value == "x" and not fields["a"].required
    assert fields["flag"].kind == "boolean" and fields["flag"].checked
    assert json.loads(fields["ids"].value) == [1, 2] and fields["ids"].type_label == "array"
    assert fields["opts"].kind == "json" and json.loads(fields["opts"].value) == {}


def test_enums_become_a_select_with_json_values():
    mode = fields_by_name()["mode"]
    assert mode.kind == "enum"
    assert mode.options == [('"fast"', "fast"), ('"slow"', "slow")]
    assert mode.value == '"slow"'


def test_optional_parameter_is_nullable_and_empty():
    note = fields_by_name()["note"]
    assert (note.kind, note.nullable, note.value) == ("string", True, "")


def test_unannotated_parameter_takes_any_json():
    assert fields_by_name()["anything"].kind == "any"


def test_date_format_uses_a_date_input():
    schema = {"properties": {"day": {"type": "string", "format": "date"}}}
    assert form_fields(schema)[0].input_type == "date"


# --- nested objects, lists of rows, resources from type hints ------------------------------

NESTED = '''\
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, TypedDict
from pydantic import BaseModel


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


class Point(TypedDict):
    x: int
    y: int


class postgresql(TypedDict):
    host: str


@dataclass
class Config:
    name: str
    color: Color = Color.BLUE
    origin: Optional[Point] = None
    stops: list[Point] = field(default_factory=lambda: [{"x": 1, "y": 2}])


class Node(BaseModel):
    label: str
    children: list["Node"] = []


def main(cfg: Config, db: postgresql, tree: Node, colors: list[Color] = []):
    pass
'''


def nested_fields() -> dict:
    return {f.name: f for f in form_fields(parse_parameters("python", NESTED))}


def test_a_dataclass_parameter_is_a_group_of_its_fields_in_order():
    cfg = nested_fields()["cfg"]
    assert (cfg.kind, cfg.type_label, cfg.required, cfg.toggled) == ("object", "Config", True, False)
    assert [(c.name, c.kind, c.path) for c in cfg.children] == [
        ("name", "string", "cfg.name"), ("color", "enum", "cfg.color"),
        ("origin", "object", "cfg.origin"), ("stops", "list", "cfg.stops")]


def test_an_optional_nested_object_has_an_unticked_toggle():
    origin = nested_fields()["cfg"].children[2]
    assert origin.toggled and not origin.checked and origin.nullable
    assert [c.name for c in origin.children] == ["x", "y"]


def test_a_list_of_objects_has_a_row_template_and_its_default_rows():
    stops = nested_fields()["cfg"].children[3]
    assert stops.has_default and stops.item.kind == "object"
    assert stops.item.path == "cfg.stops." + stops.row_token
    [row] = stops.rows
    assert [(c.path, c.value) for c in row.children] == [("cfg.stops.0.x", "1"), ("cfg.stops.0.y", "2")]


def test_a_nested_enum_is_a_select_with_its_default():
    color = nested_fields()["cfg"].children[1]
    assert color.options == [('"red"', "red"), ('"blue"', "blue")] and color.value == '"blue"'


def test_a_lower_case_typed_dict_parameter_is_a_resource_picker():
    db = nested_fields()["db"]
    assert (db.kind, db.resource_type, db.required) == ("resource", "postgresql", True)


def test_a_recursive_model_nests_once_then_takes_json():
    tree = nested_fields()["tree"]
    assert tree.kind == "object" and tree.type_label == "Node"
    children = tree.children[1]
    assert children.kind == "json" and children.value == "[]"


def test_a_list_of_enums_is_rows_of_selects():
    colors = nested_fields()["colors"]
    assert colors.kind == "list" and colors.item.kind == "enum" and colors.rows == []


def test_nesting_stops_at_the_depth_cap():
    deep: dict = {"type": "string"}
    for _ in range(MAX_DEPTH + 2):
        deep = {"type": "object", "properties": {"inner": deep}}
    field = form_fields({"properties": {"top": deep}})[0]
    kinds = []
    while field.kind == "object":
        kinds.append(field.kind)
        field = field.children[0]
    assert len(kinds) == MAX_DEPTH and field.kind == "json"
