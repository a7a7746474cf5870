"""Classes a Python script declares, read as JSON Schema from the syntax tree (never run).

A parameter annotated with a class of the same module becomes:
- TypedDict, `@dataclass` or pydantic `BaseModel` → a nested object (`title` = class name),
  its annotated fields as properties in declaration order (local base classes first);
- an Enum subclass → an enum of its members' values;
- a TypedDict whose name is all lower case (`class postgresql(TypedDict)`) → a resource of
  that type (`{"type": "object", "format": "resource-postgresql"}`), Windmill's convention:
  PEP 8 class names are CapWords, so a lower-case one is a deliberate resource type name.

Which fields are required follows each kind's constructor: TypedDict by `total=` and
`Required[...]`/`NotRequired[...]`; dataclasses and pydantic models when no default (plain,
`field(default=..., default_factory=...)` or `Field(...)`) is given. Dataclasses and
TypedDicts are closed (`additionalProperties: false`, their constructors accept only their
fields); pydantic models only with `extra="forbid"` (pydantic ignores extra keys by default).
"""
from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from typing import Any, Protocol

from app.introspection.base import Schema
from app.introspection.python_ast import (NO_VALUE, literal_value, one_line, parse_docstring,
                                          subscript_args, type_name)

TYPED_DICT, DATACLASS, PYDANTIC, ENUM = "TypedDict", "dataclass", "pydantic", "Enum"
"""The kinds of declared classes a parameter may be annotated with."""
ENUM_BASES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"}
RESOURCE_TYPE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
"""A TypedDict named like this (lower case) names a resource type."""
REQUIRED_MARKS = {"Required": True, "NotRequired": False}
"""TypedDict field wrappers that override the class's `total=`."""
TRANSPARENT_MARKS = {"ReadOnly", "Final"}
FACTORY_DEFAULTS: dict[str, Any] = {"list": [], "dict": {}, "tuple": []}
"""`default_factory=` callables whose product JSON can spell out."""
FIELD_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum",
                  "lt": "exclusiveMaximum", "multiple_of": "multipleOf", "pattern": "pattern",
                  "title": "title", "description": "description", "examples": "examples"}
"""pydantic `Field(...)` keywords that are JSON Schema keywords under another name."""
LENGTH_KEYWORDS = {"string": ("minLength", "maxLength"), "array": ("minItems", "maxItems"),
                   "object": ("minProperties", "maxProperties")}


class Mapper(Protocol):
    """What class reading needs from the annotation mapper (app.introspection.python)."""

    def schema(self, node: ast.expr | None) -> Schema: ...

    def default_value(self, node: ast.expr) -> Any: ...

    def nullable(self, schema: Schema) -> Schema: ...


@dataclass
class _Field:
    annotation: ast.expr
    value: ast.expr | None
    doc: str
    total: bool
    """TypedDict only: the `total=` of the class declaring the field."""


def declared_classes(module: ast.Module) -> dict[str, ast.ClassDef]:
    """Module-level classes by name (a later definition rebinds the name, as at run time)."""
    return {node.name: node for node in module.body if isinstance(node, ast.ClassDef)}


def class_kind(node: ast.ClassDef, classes: dict[str, ast.ClassDef],
               seen: frozenset[str] = frozenset()) -> str | None:
    """TYPED_DICT, DATACLASS, PYDANTIC, ENUM, or None for any other class."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if type_name(target) == "dataclass":
            return DATACLASS
    for base in node.bases:
        name = type_name(base)
        if name == "TypedDict":
            return TYPED_DICT
        if name == "BaseModel":
            return PYDANTIC
        if name in ENUM_BASES:
            return ENUM
        local = classes.get(name) if isinstance(base, ast.Name) and name not in seen else None
        kind = local and class_kind(local, classes, seen | {node.name})
        if kind:
            return kind
    return None


def resource_type(node: ast.ClassDef, kind: str | None) -> str | None:
    """The resource type a class names, if it is a lower-case TypedDict."""
    return node.name if kind == TYPED_DICT and RESOURCE_TYPE_NAME.match(node.name) else None


def enum_members(node: ast.ClassDef) -> dict[str, Any] | None:
    """Member name → value, or None when a value is computed (or not a JSON scalar)."""
    counting = not any(type_name(base) in ("str", "StrEnum") for base in node.bases)
    lower_names = any(type_name(base) == "StrEnum" for base in node.bases)
    members: dict[str, Any] = {}
    last = 0
    for statement in node.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            continue
        name = statement.targets[0].id
        if name.startswith("_"):
            continue
        value: Any = literal_value(statement.value)
        if isinstance(statement.value, ast.Call) and type_name(statement.value.func) == "auto":
            value = name.lower() if lower_names else last + 1 if counting else NO_VALUE
        if value is NO_VALUE or isinstance(value, (list, dict)) or value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            last = value
        members[name] = value
    return members or None


def enum_schema(node: ast.ClassDef) -> Schema:
    members = enum_members(node)
    if members is None:
        return {"x-annotation": node.name}
    values = list(dict.fromkeys(members.values()))
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    types = list(dict.fromkeys(names[type(value)] for value in values))
    schema: Schema = {"type": types[0] if len(types) == 1 else types, "enum": values,
                      "title": node.name}
    return _described(schema, node)


def object_class_schema(mapper: Mapper, node: ast.ClassDef, kind: str,
                        classes: dict[str, ast.ClassDef]) -> Schema:
    """The object schema of a TypedDict, dataclass or pydantic model."""
    docs = parse_docstring(ast.get_docstring(node) or "")
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for name, spec in _fields(node, kind, classes, frozenset()).items():
        schema, needed = _field_schema(mapper, kind, spec)
        description = schema.get("description") or spec.doc or docs.get(name, {}).get("description")
        if description:
            schema["description"] = description
        properties[name] = schema
        if needed:
            required.append(name)
    schema = _described({"type": "object", "title": node.name}, node)
    schema.update(properties=properties, required=required)
    if kind != PYDANTIC or _forbids_extra(node, classes, frozenset()):
        schema["additionalProperties"] = False
    schema["x-order"] = list(properties)
    return schema


def field_constraints(call: ast.Call, schema: Schema) -> Schema:
    """`schema` with the JSON Schema keywords of a pydantic `Field(...)` call added."""
    schema = dict(schema)
    json_type = schema.get("type") if isinstance(schema.get("type"), str) else None
    for keyword in call.keywords:
        value = literal_value(keyword.value)
        if keyword.arg is None or value is NO_VALUE:
            continue
        if keyword.arg in FIELD_KEYWORDS:
            schema[FIELD_KEYWORDS[keyword.arg]] = value
        elif keyword.arg in ("min_length", "max_length") and json_type in LENGTH_KEYWORDS:
            schema[LENGTH_KEYWORDS[json_type][keyword.arg == "max_length"]] = value
    return schema


def _described(schema: Schema, node: ast.ClassDef) -> Schema:
    summary = parse_docstring(ast.get_docstring(node) or "").get("", {}).get("description")
    if summary:
        schema["description"] = summary
    return schema


def _fields(node: ast.ClassDef, kind: str, classes: dict[str, ast.ClassDef],
            seen: frozenset[str]) -> dict[str, _Field]:
    """Annotated fields in declaration order, those of local base classes first."""
    fields: dict[str, _Field] = {}
    for base in node.bases:
        local = classes.get(base.id) if isinstance(base, ast.Name) else None
        if local is not None and local.name not in seen | {node.name}:
            fields.update(_fields(local, kind, classes, seen | {node.name}))
    total = not any(k.arg == "total" and literal_value(k.value) is False for k in node.keywords)
    for index, statement in enumerate(node.body):
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        name, annotation = statement.target.id, statement.annotation
        outer = type_name(annotation.value if isinstance(annotation, ast.Subscript) else annotation)
        if outer in ("ClassVar", "KW_ONLY") or (kind == PYDANTIC and name.startswith("_")):
            continue
        fields[name] = _Field(annotation, statement.value, _attribute_doc(node.body, index), total)
    return fields


def _attribute_doc(body: list[ast.stmt], index: int) -> str:
    """A string literal right after a field: its attribute docstring."""
    after = body[index + 1] if index + 1 < len(body) else None
    if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) \
            and isinstance(after.value.value, str):
        return one_line(after.value.value)
    return ""


def _field_schema(mapper: Mapper, kind: str, spec: _Field) -> tuple[Schema, bool]:
    """(schema with its default, whether the constructor needs the field)."""
    if kind == TYPED_DICT:
        annotation, required = _typed_dict_mark(spec.annotation, spec.total)
        return mapper.schema(annotation), required
    schema = mapper.schema(spec.annotation)
    value = spec.value
    if value is None:
        return schema, True
    if isinstance(value, ast.Call) and type_name(value.func) in ("field", "Field"):
        if type_name(value.func) == "Field":
            schema = field_constraints(value, schema)
        value = _field_default(value)
        if value is None:
            return schema, True
        if isinstance(value, _Factory):
            if value.default is not NO_VALUE:
                schema["default"] = value.default
            return schema, False
    default = mapper.default_value(value)
    if default is not NO_VALUE:
        schema["default"] = default
        if default is None:
            schema = mapper.nullable(schema)
    return schema, False


@dataclass
class _Factory:
    default: Any


def _field_default(call: ast.Call) -> ast.expr | _Factory | None:
    """The default of `field(...)`/`Field(...)`: an expression, a factory, or None (required)."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    default = keywords.get("default", call.args[0] if call.args and type_name(call.func) == "Field"
                           else None)
    if default is not None:
        is_required_mark = isinstance(default, ast.Constant) and default.value is Ellipsis
        return None if is_required_mark else default
    factory = keywords.get("default_factory")
    if factory is None:
        return None
    produced = FACTORY_DEFAULTS.get(type_name(factory), NO_VALUE) if isinstance(factory, ast.Name) \
        else NO_VALUE
    if isinstance(factory, ast.Lambda):
        produced = literal_value(factory.body)
    return _Factory(produced if produced is NO_VALUE else copy.deepcopy(produced))


def _typed_dict_mark(annotation: ast.expr, total: bool) -> tuple[ast.expr, bool]:
    """Unwrap `Required[...]`, `NotRequired[...]`, `ReadOnly[...]`: (inner, required)."""
    required = total
    while isinstance(annotation, ast.Subscript):
        name = type_name(annotation.value)
        if name not in REQUIRED_MARKS and name not in TRANSPARENT_MARKS:
            break
        required = REQUIRED_MARKS.get(name, required)
        annotation = subscript_args(annotation)[0]
    return annotation, required


def _forbids_extra(node: ast.ClassDef, classes: dict[str, ast.ClassDef],
                   seen: frozenset[str]) -> bool:
    """Whether a pydantic model sets `extra="forbid"` (class keyword, `model_config`, or v1's
    inner `class Config`), itself or through a local base class."""
    candidates: list[ast.expr] = [k.value for k in node.keywords if k.arg == "extra"]
    for statement in node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and _assigns(statement, "model_config"):
            candidates += _config_extra(statement.value)
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            candidates += [s.value for s in statement.body if isinstance(s, ast.Assign)
                           and _assigns(s, "extra")]
    if any(literal_value(c) == "forbid" or type_name(c) == "forbid" for c in candidates):
        return True
    return any(_forbids_extra(classes[base.id], classes, seen | {node.name})
               for base in node.bases if isinstance(base, ast.Name) and base.id in classes
               and base.id not in seen | {node.name})


def _assigns(statement: ast.Assign | ast.AnnAssign, name: str) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return any(isinstance(target, ast.Name) and target.id == name for target in targets)


def _config_extra(value: ast.expr | None) -> list[ast.expr]:
    if isinstance(value, ast.Call):
        return [k.value for k in value.keywords if k.arg == "extra"]
    if isinstance(value, ast.Dict):
        return [v for k, v in zip(value.keys, value.values)
                if isinstance(k, ast.Constant) and k.value == "extra"]
    return []
