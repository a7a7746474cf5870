"""Python parameters typed with classes the script declares become nested objects, enums or
resource pickers; the schemas stay valid 2020-12 and validate what the constructors accept."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import parse_parameters

HEADER = """\
from __future__ import annotations
import dataclasses
from dataclasses import dataclass, field
from enum import Enum, IntEnum, StrEnum, auto
from typing import Annotated, NotRequired, Optional, Required, TypedDict
from pydantic import BaseModel, ConfigDict, Field
from taskmill import Resource
"""


def schema_of(body: str, signature: str) -> dict:
    code = HEADER + textwrap.dedent(body) + f"\ndef main({signature}):\n    pass\n"
    schema = parse_parameters("python", code)
    Draft202012Validator.check_schema(schema)
    return schema


def param(body: str, signature: str = "x: Model") -> dict:
    return schema_of(body, signature)["properties"]["x"]


def accepts(schema: dict, value) -> bool:
    return Draft202012Validator(schema).is_valid(value)


# --- TypedDict -----------------------------------------------------------------------------

POINT = '''
class Model(TypedDict):
    """A point on the plane."""
    x: int
    y: float
'''


def test_typed_dict_is_a_closed_object_titled_by_its_class():
    assert param(POINT) == {
        "type": "object", "title": "Model", "description": "A point on the plane.",
        "properties": {"x": {"type": "integer"}, "y": {"type": "number"}},
        "required": ["x", "y"], "additionalProperties": False, "x-order": ["x", "y"]}


def test_typed_dict_total_false_makes_fields_optional_unless_required():
    body = "class Model(TypedDict, total=False):\n    a: Required[int]\n    b: str\n"
    assert param(body)["required"] == ["a"]
    assert param(body)["properties"]["a"] == {"type": "integer"}


def test_typed_dict_not_required_field_is_optional():
    body = "class Model(TypedDict):\n    a: int\n    b: NotRequired[list[str]]\n"
    schema = param(body)
    assert schema["required"] == ["a"]
    assert schema["properties"]["b"] == {"type": "array", "items": {"type": "string"}}


def test_fields_of_a_local_base_class_come_first():
    body = POINT + "class Sub(Model, total=False):\n    label: str\n"
    schema = param(body, "x: Sub")
    assert schema["x-order"] == ["x", "y", "label"] and schema["required"] == ["x", "y"]


# --- dataclasses ---------------------------------------------------------------------------

CONFIG = '''
@dataclass
class Model:
    """Connection settings.

    Attributes:
        host: Where to connect.
    """
    host: str
    port: int = 5432
    tags: list[str] = field(default_factory=list)
    opts: dict = dataclasses.field(default_factory=lambda: {"ssl": True})
    timeout: float = field(default=2.5)
    token: Optional[str] = None
    stamp: float = field(default_factory=time.time)
    kind: ClassVar[str] = "pg"
    retries: int
    """How often to try again."""
'''


def test_dataclass_fields_and_defaults():
    schema = param(CONFIG)
    assert schema["title"] == "Model" and schema["description"] == "Connection settings."
    assert schema["x-order"] == ["host", "port", "tags", "opts", "timeout", "token", "stamp", "retries"]
    props = schema["properties"]
    assert props["host"] == {"type": "string", "description": "Where to connect."}
    assert props["port"] == {"type": "integer", "default": 5432}
    assert props["tags"]["default"] == [] and props["opts"]["default"] == {"ssl": True}
    assert props["timeout"]["default"] == 2.5
    assert props["token"] == {"type": ["string", "null"], "default": None}
    assert "default" not in props["stamp"]
    assert props["retries"]["description"] == "How often to try again."


def test_dataclass_requires_exactly_the_fields_without_defaults_and_is_closed():
    schema = param(CONFIG)
    assert schema["required"] == ["host", "retries"]
    assert schema["additionalProperties"] is False
    assert accepts(schema, {"host": "h", "retries": 1})
    assert not accepts(schema, {"host": "h", "retries": 1, "unknown": 1})


def test_decorator_called_with_options_is_still_a_dataclass():
    body = "@dataclasses.dataclass(frozen=True)\nclass Model:\n    a: int\n"
    assert param(body)["properties"] == {"a": {"type": "integer"}}


def test_a_plain_class_is_not_read_as_an_object():
    assert param("class Model:\n    a: int\n") == {"x-annotation": "Model"}


# --- pydantic ------------------------------------------------------------------------------

USER = '''
class Model(BaseModel):
    name: str = Field(description="Full name", min_length=1)
    age: int = Field(default=0, ge=0, le=150)
    email: Optional[str]
    nick: str = Field(None)
    roles: list[str] = Field(default_factory=list)
    score: Annotated[float, Field(gt=0)] = 1.0
    _secret: str = "hidden"
'''


def test_pydantic_fields_constraints_and_descriptions():
    props = param(USER)["properties"]
    assert props["name"] == {"type": "string", "description": "Full name", "minLength": 1}
    assert props["age"] == {"type": "integer", "minimum": 0, "maximum": 150, "default": 0}
    assert props["roles"]["default"] == []
    assert props["score"] == {"type": "number", "exclusiveMinimum": 0, "default": 1.0}
    assert "_secret" not in props


def test_pydantic_optional_without_default_is_required_but_nullable():
    schema = param(USER)
    assert schema["required"] == ["name", "email"]
    assert schema["properties"]["email"] == {"type": ["string", "null"]}
    assert schema["properties"]["nick"]["default"] is None


def test_pydantic_model_accepts_extra_keys_unless_it_forbids_them():
    assert "additionalProperties" not in param(USER)
    for config in ('model_config = ConfigDict(extra="forbid")',
                   'model_config = {"extra": "forbid"}',
                   'class Config:\n        extra = "forbid"'):
        body = f"class Model(BaseModel):\n    {config}\n    a: int\n"
        assert param(body)["additionalProperties"] is False, config
    assert param('class Model(BaseModel, extra="forbid"):\n    a: int\n')["additionalProperties"] is False


def test_a_subclass_of_a_local_model_is_a_model():
    body = USER + "class Admin(Model):\n    level: int\n"
    schema = param(body, "x: Admin")
    assert schema["title"] == "Admin" and schema["x-order"][-1] == "level"


# --- nesting, containers, recursion --------------------------------------------------------

NESTED = POINT.replace("Model", "Point") + '''
@dataclass
class Model:
    origin: Point
    path: list[Point]
    named: dict[str, Point]
    maybe: Optional["Point"] = None
'''


def test_models_nest_inside_models_lists_and_dicts():
    point = param(POINT)
    point["title"] = "Point"
    props = param(NESTED)["properties"]
    assert props["origin"] == point
    assert props["path"] == {"type": "array", "items": point}
    assert props["named"] == {"type": "object", "additionalProperties": point}
    assert props["maybe"]["type"] == ["object", "null"] and props["maybe"]["default"] is None


def test_list_of_models_and_forward_reference_as_parameters():
    schema = schema_of(NESTED, 'pts: list["Point"], by_name: dict[str, Point] = {}')
    assert schema["properties"]["pts"]["items"]["title"] == "Point"
    assert schema["properties"]["by_name"]["additionalProperties"]["title"] == "Point"
    assert schema["required"] == ["pts"]


TREE = '''
class Model(BaseModel):
    label: str
    children: list[Model] = []
    parent: Optional["Model"] = None
'''


def test_a_self_referencing_model_is_defined_once_and_referenced():
    schema = schema_of(TREE, "x: Model, y: Model | None = None")
    assert schema["properties"]["x"] == {"$ref": "#/$defs/Model"}
    assert schema["properties"]["y"] == {"anyOf": [{"$ref": "#/$defs/Model"}, {"type": "null"}],
                                         "default": None}
    tree = schema["$defs"]["Model"]
    assert tree["properties"]["children"]["items"] == {"$ref": "#/$defs/Model"}
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"x": {"label": "a", "children": [{"label": "b", "children": []}]}})
    assert not validator.is_valid({"x": {"label": "a", "children": [{"children": []}]}})


def test_mutually_recursive_models_terminate():
    body = ("class A(TypedDict):\n    b: B | None\n\n"
            "class B(TypedDict):\n    a: list[A]\n")
    schema = schema_of(body, "x: A")
    assert schema["properties"]["x"] == {"$ref": "#/$defs/A"}
    assert schema["$defs"]["A"]["properties"]["b"]["type"] == ["object", "null"]


def test_a_nested_object_validates_what_its_constructor_takes():
    schema = schema_of(NESTED, "x: Model")
    good = {"x": {"origin": {"x": 1, "y": 2.0}, "path": [], "named": {"a": {"x": 0, "y": 0}}}}
    assert Draft202012Validator(schema).is_valid(good)
    bad = {"x": {"origin": {"x": "one", "y": 2.0}, "path": [], "named": {}}}
    assert not Draft202012Validator(schema).is_valid(bad)


# --- enums ---------------------------------------------------------------------------------

def test_str_enum_becomes_a_string_enum_with_member_default():
    body = 'class Color(str, Enum):\n    """Paint."""\n    RED = "red"\n    GREEN = "green"\n'
    schema = schema_of(body, "c: Color = Color.GREEN")["properties"]["c"]
    assert schema == {"type": "string", "enum": ["red", "green"], "title": "Color",
                      "description": "Paint.", "default": "green"}


@pytest.mark.parametrize("body, values", [
    ("class Color(IntEnum):\n    LOW = 1\n    HIGH = 5\n", [1, 5]),
    ("class Color(Enum):\n    A = auto()\n    B = auto()\n", [1, 2]),
    ("class Color(StrEnum):\n    A = auto()\n    B = 'bee'\n", ["a", "bee"]),
])
def test_enum_values_follow_python(body, values):
    assert param(body, "x: Color")["enum"] == values


def test_enum_with_computed_values_is_unconstrained():
    body = "class Color(Enum):\n    A = object()\n"
    assert param(body, "x: Color") == {"x-annotation": "Color"}


# --- resources -----------------------------------------------------------------------------

def test_lower_case_typed_dict_is_a_resource_type():
    body = "class postgresql(TypedDict):\n    host: str\n    port: int\n"
    assert param(body, "x: postgresql") == {"type": "object", "format": "resource-postgresql"}


def test_resource_marker_names_the_resource_type():
    assert param("", 'x: Resource["snowflake"]') == {"type": "object", "format": "resource-snowflake"}


def test_optional_resource_is_nullable_and_optional():
    schema = schema_of("", 'x: Optional[Resource["s3"]] = None')
    assert schema["properties"]["x"] == {"type": ["object", "null"], "format": "resource-s3",
                                         "default": None}
    assert schema["required"] == []


def test_capitalised_typed_dict_stays_a_nested_object():
    body = "class Postgresql(TypedDict):\n    host: str\n"
    assert param(body, "x: Postgresql")["properties"] == {"host": {"type": "string"}}


def test_a_reference_string_is_accepted_in_place_of_a_resource():
    from app.services.args import validate_args
    schema = schema_of("", 'x: Resource["pg"]')
    assert validate_args(schema, {"x": "$res:u/alice/db"}) == {"x": "$res:u/alice/db"}
