"""The run form's fields come from the script's JSON Schema: order, kinds, defaults, marks."""
from __future__ import annotations

import json

from app.introspection import parse_parameters
from webui.schema_form import form_fields

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
