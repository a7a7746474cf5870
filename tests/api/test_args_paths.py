"""Argument errors name the failing field by its path, nested fields included."""
import pytest

from app.errors import ValidationFailed
from app.services.args import validate_args

SCHEMA = {"type": "object", "required": ["route"], "additionalProperties": False, "properties": {
    "route": {"type": "object", "properties": {"stops": {"type": "array", "items": {
        "type": "object", "required": ["x"], "additionalProperties": False,
        "properties": {"x": {"type": "integer"}}}}}}}}


def fields_of(args) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        validate_args(SCHEMA, args)
    return [d["field"] for d in failed.value.details]


def test_a_missing_nested_field_is_named_by_its_path():
    assert fields_of({"route": {"stops": [{"x": 1}, {}]}}) == ["route/stops/1/x"]


def test_unknown_and_mistyped_fields_carry_their_paths_too():
    assert sorted(fields_of({"route": {"stops": [{"x": "a", "y": 2}]}, "extra": 1})) == \
        ["extra", "route/stops/0/x", "route/stops/0/y"]


def test_top_level_fields_keep_their_bare_names():
    assert fields_of({}) == ["route"]
