"""A script's argument JSON Schema → the ordered list of form fields the run form renders.

The form is rendered server-side by the `schema_form` Jinja macro; `run_form.js` reads each
field's `kind` back from the page to turn the inputs into typed JSON values.
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


@dataclass
class FormField:
    """One input of the run form."""

    name: str
    kind: str
    """string, integer, number, boolean, enum, json (array/object), resource or any."""
    required: bool = False
    nullable: bool = False
    description: str = ""
    value: str = ""
    """The prefilled text (the default, JSON-encoded for enum/json/any kinds)."""
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    """For enums: (JSON-encoded value, label) pairs."""
    type_label: str = ""
    """Shown next to the name for non-text inputs: integer, number, boolean, array, object, JSON."""
    input_type: str = "text"
    """HTML input type for string kinds (text, date)."""
    placeholder: str = ""
    resource_type: str = ""
    """For resources: the type whose resources the picker offers (as `$res:<path>` values)."""


def _types(schema: Schema) -> tuple[str | None, bool]:
    """The one non-null type of a property (None if zero or several) and whether null is allowed."""
    raw = schema.get("type")
    types = raw if isinstance(raw, list) else [raw] if raw else []
    concrete = [t for t in types if t != "null"]
    return (concrete[0] if len(concrete) == 1 else None), "null" in types


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) if value is not None else ""


def _type_label(kind: str, json_type: str | None) -> str:
    if kind in ("string", "boolean"):
        return ""  # a text box or a checkbox says it already
    return "JSON" if kind == "any" else json_type or ""


def _prefill(item: FormField, schema: Schema, json_type: str | None) -> None:
    """Put the schema's default into the input, in the text form that input's kind reads."""
    has_default, default = "default" in schema, schema.get("default")
    if item.kind == "enum":
        item.options = [(json.dumps(v), "(none)" if v is None else str(v)) for v in schema["enum"]]
        item.value = json.dumps(default) if has_default else ""
    elif item.kind == "boolean":
        item.checked = default is True
    elif item.kind in ("json", "any"):
        item.value = _json_text(default) if has_default else ""
        item.placeholder = {"array": "[...]", "object": "{...}"}.get(json_type or "", "JSON value")
    elif has_default and default is not None:
        item.value = str(default)


def _resource_type(schema: Schema) -> str:
    fmt = schema.get("format")
    return fmt[len(RESOURCE_FORMAT):] if isinstance(fmt, str) and fmt.startswith(RESOURCE_FORMAT) else ""


def _kind(schema: Schema, json_type: str | None) -> str:
    if _resource_type(schema):
        return "resource"
    return "enum" if "enum" in schema else KINDS_BY_TYPE.get(json_type or "", "any")


def _build(name: str, schema: Schema, required: bool) -> FormField:
    json_type, nullable = _types(schema)
    kind, resource_type = _kind(schema, json_type), _resource_type(schema)
    label = "" if kind == "enum" else _type_label(kind, json_type)
    if resource_type:
        label = f"{resource_type} resource"
    item = FormField(name=name, kind=kind, required=required, nullable=nullable,
                     description=schema.get("description", ""), type_label=label,
                     resource_type=resource_type)
    _prefill(item, schema, json_type)
    if schema.get("format") == "date":
        item.input_type = "date"
    elif schema.get("format") == "date-time":
        item.placeholder = "2024-01-31T12:00:00Z"
    return item


def form_fields(schema: Schema) -> list[FormField]:
    """Fields in `x-order` (declaration order), then any properties it does not list."""
    properties: dict[str, Schema] = schema.get("properties") or {}
    order = [name for name in schema.get("x-order", []) if name in properties]
    order += [name for name in properties if name not in order]
    required = set(schema.get("required", []))
    return [_build(name, properties[name] or {}, name in required) for name in order]
