"""A script's argument JSON Schema → the tree of form fields the run form renders.

The form is rendered server-side by the `schema_form` Jinja macro; `schema_form.js` reads each
field's `kind` back from the page to turn the inputs into typed JSON values. Objects with
declared properties become nested fieldsets, arrays of such objects (or of enums or
resources) lists of rows that can be added and removed; `$ref`s into the root's `$defs` are
followed, a recursive one once per branch (deeper, it is a JSON text box).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

KINDS_BY_TYPE = {"string": "string", "integer": "integer", "number": "number",
                 "boolean": "boolean", "array": "json", "object": "json"}
"""JSON Schema type → input kind; anything else (unions, no type) is free JSON (`any`)."""
RESOURCE_FORMAT = "resource-"
"""`"format": "resource-<type>"` marks a parameter that takes a resource of that type."""
MAX_DEPTH = 4
"""Nested fieldsets deeper than this are a JSON text box: a form, not a maze."""
ROW_KINDS = {"object", "enum", "resource"}
"""Arrays of items of these kinds are lists of rows; other arrays are JSON text."""
PATH_SEPARATOR = "."
"""Joins field names into the unique path of a nested input (its id is `arg-<path>`)."""
MISSING: Any = object()


@dataclass
class FormField:
    """One input of the run form, or a group of them (kinds `object` and `list`)."""

    name: str
    kind: str
    """string, integer, number, boolean, enum, json (array/object), resource, any, or the
    groups object (nested fields) and list (rows of one item field)."""
    required: bool = False
    nullable: bool = False
    description: str = ""
    value: str = ""
    """The prefilled text (the default, JSON-encoded for enum/json/any kinds)."""
    checked: bool = False
    """Booleans: ticked. Optional objects: filled in (their toggle is ticked)."""
    options: list[tuple[str, str]] = field(default_factory=list)
    """For enums: (JSON-encoded value, label) pairs."""
    type_label: str = ""
    """Shown next to the name for non-text inputs: integer, number, boolean, array, object, JSON."""
    input_type: str = "text"
    """HTML input type for string kinds (text, date)."""
    placeholder: str = ""
    resource_type: str = ""
    """For resources: the type whose resources the picker offers (as `$res:<path>` values)."""
    path: str = ""
    """Unique in the form: the names from the top-level parameter down, joined by '.'."""
    children: list[FormField] = field(default_factory=list)
    """For objects: the fields of its properties."""
    item: FormField | None = None
    """For lists: the field one new row gets (its path holds `row_token` for the index)."""
    rows: list[FormField] = field(default_factory=list)
    """For lists: the rows prefilled from the default."""
    row_token: str = ""
    has_default: bool = False
    """For lists: the schema gives a default, so an empty list is sent rather than left out."""

    @property
    def toggled(self) -> bool:
        """An object that may be left out (or null) has a checkbox saying whether it is filled."""
        return self.kind == "object" and (not self.required or self.nullable)


@dataclass
class _Context:
    root: Schema
    refs: tuple[str, ...] = ()
    """The `$ref`s being expanded on the way to this field (a repeat means recursion)."""
    depth: int = 0


def _types(schema: Schema) -> tuple[str | None, bool]:
    """The one non-null type of a property (None if zero or several) and whether null is allowed."""
    raw = schema.get("type")
    types = raw if isinstance(raw, list) else [raw] if raw else []
    concrete = [t for t in types if t != "null"]
    return (concrete[0] if len(concrete) == 1 else None), "null" in types


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) if value is not None else ""


def _type_label(kind: str, json_type: str | None) -> str:
    if kind in ("string", "boolean", "object", "list"):
        return ""  # a text box, a checkbox or a fieldset says it already
    return "JSON" if kind == "any" else json_type or ""


def _prefill(item: FormField, schema: Schema, json_type: str | None, value: Any) -> None:
    """Put the value (or the schema's default) into the input, in the text its kind reads."""
    has_value = value is not MISSING
    if item.kind == "enum":
        item.options = [(json.dumps(v), "(none)" if v is None else str(v)) for v in schema["enum"]]
        item.value = json.dumps(value) if has_value else ""
    elif item.kind == "boolean":
        item.checked = value is True
    elif item.kind in ("json", "any"):
        item.value = _json_text(value) if has_value else ""
        item.placeholder = {"array": "[...]", "object": "{...}"}.get(json_type or "", "JSON value")
    elif item.kind == "resource":
        item.value = value if isinstance(value, str) else ""
    elif has_value and value is not None:
        item.value = str(value)


def _resource_type(schema: Schema) -> str:
    fmt = schema.get("format")
    return fmt[len(RESOURCE_FORMAT):] if isinstance(fmt, str) and fmt.startswith(RESOURCE_FORMAT) else ""


def _resolve(schema: Schema, context: _Context) -> tuple[Schema, bool, _Context | None]:
    """(the schema a `$ref` or a nullable `anyOf: [X, null]` stands for, whether null is
    allowed, the context below it); the context is None for a recursive `$ref` met again."""
    nullable = False
    members = schema.get("anyOf")
    if isinstance(members, list) and len(members) == 2 and {"type": "null"} in members:
        other = next(m for m in members if m != {"type": "null"})
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        schema, nullable = {**other, **rest}, True
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema, nullable, context
    if ref in context.refs:
        return schema, nullable, None
    target = _follow(ref, context.root)
    rest = {k: v for k, v in schema.items() if k != "$ref"}
    return {**target, **rest}, nullable, _Context(context.root, context.refs + (ref,), context.depth)


def _follow(ref: str, root: Schema) -> Schema:
    """The sub-schema a local `#/...` pointer names, or `{}` (anything) if it names none."""
    node: Any = root
    for part in ref.removeprefix("#").strip("/").split("/") if ref.startswith("#") else [None]:
        if not isinstance(node, dict) or part not in node:
            return {}
        node = node[part]
    return node if isinstance(node, dict) else {}


def _kind(schema: Schema, json_type: str | None, context: _Context | None) -> str:
    if _resource_type(schema):
        return "resource"
    if "enum" in schema:
        return "enum"
    nested = context is not None and context.depth < MAX_DEPTH
    if nested and json_type == "object" and schema.get("properties"):
        return "object"
    if nested and json_type == "array" and isinstance(schema.get("items"), dict):
        items, _, below = _resolve(schema["items"], context)
        if _kind(items, _types(items)[0], below) in ROW_KINDS:
            return "list"
    return KINDS_BY_TYPE.get(json_type or "", "any")


def _build(name: str, schema: Schema, required: bool, path: str, context: _Context,
           value: Any = MISSING) -> FormField:
    schema, null_member, below = _resolve(schema or {}, context)
    json_type, nullable = _types(schema)
    kind, resource_type = _kind(schema, json_type, below), _resource_type(schema)
    label = f"{resource_type} resource" if resource_type else "" if kind == "enum" \
        else _type_label(kind, json_type)
    item = FormField(name=name, kind=kind, required=required, nullable=nullable or null_member,
                     description=schema.get("description", ""), type_label=label,
                     resource_type=resource_type, path=path)
    if value is MISSING and "default" in schema:
        value = schema["default"]
    if below is not None and kind in ("object", "list"):
        deeper = _Context(below.root, below.refs, below.depth + 1)
        _fill_group(item, schema, deeper, value)
        return item
    _prefill(item, schema, json_type, value)
    if schema.get("format") == "date":
        item.input_type = "date"
    elif schema.get("format") == "date-time":
        item.placeholder = "2024-01-31T12:00:00Z"
    return item


def _fill_group(item: FormField, schema: Schema, context: _Context, value: Any) -> None:
    """The children of an object field or the item and rows of a list field."""
    item.type_label = schema.get("title", "") if item.kind == "object" else "list"
    if item.kind == "object":
        given = value if isinstance(value, dict) else {}
        item.checked = isinstance(value, dict) or not item.toggled
        item.children = _fields(schema, context, item.path, given)
        return
    items = schema["items"]
    item.row_token = f"{{row{context.depth}}}"
    item.has_default = isinstance(value, list)
    item.item = _build("", items, True, _join(item.path, item.row_token), context)
    rows = value if isinstance(value, list) else []
    item.rows = [_build("", items, True, _join(item.path, str(index)), context, row)
                 for index, row in enumerate(rows)]


def _join(path: str, name: str) -> str:
    return f"{path}{PATH_SEPARATOR}{name}" if path else name


def _fields(schema: Schema, context: _Context, path: str, values: dict[str, Any]) -> list[FormField]:
    properties: dict[str, Schema] = schema.get("properties") or {}
    order = [name for name in schema.get("x-order", []) if name in properties]
    order += [name for name in properties if name not in order]
    required = set(schema.get("required", []))
    return [_build(name, properties[name] or {}, name in required, _join(path, name), context,
                   values.get(name, MISSING)) for name in order]


def form_fields(schema: Schema) -> list[FormField]:
    """Fields in `x-order` (declaration order), then any properties it does not list."""
    return _fields(schema, _Context(schema), "", {})
