"""The marshmallow schemas of a flow definition, and `load_definition` that applies them.

Structure only: field types, required fields, ranges, module types. Checks that need the
whole flow (unique ids, expressions, which results a step may read) are in
`flows.validation`; checks that need the database are in `app.services.flows`.
"""
from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from flows.definition import (DEFAULT_SCHEMA, DEFAULT_TAG, SUSPEND_TIMEOUT_S, ConstantRetry,
                              ExponentialRetry, FlowDefinition, FlowModule, InputTransform, Retry,
                              StopAfterIf, Suspend)
from flows.errors import FlowInvalid

ID_RE = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
"""Module ids are identifiers, so `results.<id>` can name them."""
TAG_RE = r"^[a-z0-9_-]{1,64}$"
MAX_RETRIES = 20
MAX_WAIT_S = 7 * 24 * 3600.0
"""Longest sleep, retry delay or approval timeout: a week."""
MAX_TIMEOUT_S = 86400.0


class InputTransformSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(["static", "expr"]))
    value = fields.Raw(allow_none=True)
    expr = fields.String()

    @validates_schema
    def _expr_given(self, data: dict, **_kwargs: Any) -> None:
        if data["type"] == "expr" and "expr" not in data:
            raise ValidationError("an expr transform needs `expr`", "expr")
        if data["type"] == "static" and "expr" in data:
            raise ValidationError("a static transform takes `value`, not `expr`", "expr")

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> InputTransform:
        return InputTransform(**data)


class TransformsField(fields.Field):
    """`{param: transform}`; errors are keyed by the parameter name."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise ValidationError("expected a mapping of parameter names to transforms")
        built, errors = {}, {}
        for name, raw in value.items():
            if not isinstance(raw, dict):
                errors[name] = ["expected {type: static, value: ...} or {type: expr, expr: ...}"]
                continue
            try:
                built[str(name)] = InputTransformSchema().load(raw)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return built


class ConstantRetrySchema(Schema):
    attempts = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_RETRIES))
    seconds = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_WAIT_S))

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> ConstantRetry:
        return ConstantRetry(**data)


class ExponentialRetrySchema(ConstantRetrySchema):
    multiplier = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=1000))

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> ExponentialRetry:
        return ExponentialRetry(**data)


class RetrySchema(Schema):
    constant = fields.Nested(ConstantRetrySchema, load_default=None)
    exponential = fields.Nested(ExponentialRetrySchema, load_default=None)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> Retry:
        return Retry(**data)


class ExprSchema(Schema):
    expr = fields.String(required=True)


class StopAfterIfSchema(ExprSchema):
    skip_if_stopped = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> StopAfterIf:
        return StopAfterIf(**data)


class SuspendSchema(Schema):
    required_events = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    timeout = fields.Float(load_default=SUSPEND_TIMEOUT_S, validate=validate.Range(min=1, max=MAX_WAIT_S))
    schema = fields.Dict(load_default=None, allow_none=True)
    user_auth_required = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> Suspend:
        return Suspend(**data)


class ModuleValueField(fields.Field):
    """`value: {type: ..., ...}`, loaded by the schema of its module type."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        from flows.modules import MODULE_TYPES
        if not isinstance(value, dict):
            raise ValidationError("expected a mapping with a `type`")
        kind = MODULE_TYPES.get(value.get("type"))  # type: ignore[arg-type]
        if kind is None:
            raise ValidationError({"type": [f"unknown module type {value.get('type')!r}; expected one "
                                            f"of {', '.join(MODULE_TYPES)}"]})
        return kind.value_schema().load({k: v for k, v in value.items() if k != "type"})


class ModuleSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(
        ID_RE, error="module ids are identifiers: a letter or '_', then letters, digits, '_' (64 at most)"))
    summary = fields.String(load_default="")
    value = ModuleValueField(required=True)
    input_transforms = TransformsField(load_default=dict)
    retry = fields.Nested(RetrySchema, load_default=None)
    stop_after_if = fields.Nested(StopAfterIfSchema, load_default=None)
    skip_if = fields.Nested(ExprSchema, load_default=None)
    sleep = fields.Float(load_default=None, validate=validate.Range(min=0, max=MAX_WAIT_S))
    timeout = fields.Float(load_default=None, validate=validate.Range(min=0.1, max=MAX_TIMEOUT_S))
    suspend = fields.Nested(SuspendSchema, load_default=None)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> FlowModule:
        skip_if = data.pop("skip_if")
        return FlowModule(skip_if=skip_if["expr"] if skip_if else None, **data)


def modules_field(**kwargs: Any) -> fields.List:
    """A nested, ordered list of modules (used by loop and branch module types too)."""
    return fields.List(fields.Nested(ModuleSchema), **kwargs)


class DefinitionSchema(Schema):
    summary = fields.String(load_default="", validate=validate.Length(max=500))
    description = fields.String(load_default="")
    schema = fields.Dict(load_default=lambda: dict(DEFAULT_SCHEMA))
    modules = modules_field(required=True)
    failure_module = fields.Nested(ModuleSchema, load_default=None, allow_none=True)
    tag = fields.String(load_default=DEFAULT_TAG,
                        validate=validate.Regexp(TAG_RE, error="tag must match [a-z0-9_-]{1,64}"))

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> FlowDefinition:
        return FlowDefinition(**data)


def load_definition(data: Any) -> FlowDefinition:
    """Build a FlowDefinition from plain data, or raise FlowInvalid with every problem."""
    if not isinstance(data, dict):
        raise FlowInvalid("a flow definition must be a mapping",
                          [{"field": "(root)", "message": "expected a mapping with `modules`"}])
    try:
        return DefinitionSchema().load(data)
    except ValidationError as exc:
        details = [{"field": path, "message": message, "module": module_at(data, path)}
                   for path, message in flatten(exc.messages)]
        raise FlowInvalid(summarize(details), details) from None


def summarize(details: list[dict]) -> str:
    first = details[0]
    where = f"module {first['module']!r}, " if first.get("module") else ""
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"invalid flow: {where}{first['field']}: {first['message']}{more}"


def flatten(messages: Any, path: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested messages → (JSON path, message) pairs, e.g. modules[0].value.content."""
    if isinstance(messages, dict):
        pairs = []
        for key, inner in messages.items():
            if key == "_schema":
                pairs += flatten(inner, path)
            elif isinstance(key, int):
                pairs += flatten(inner, f"{path}[{key}]")
            else:
                pairs += flatten(inner, f"{path}.{key}" if path else str(key))
        return pairs
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(path or "(root)", m) for m in messages]
    if isinstance(messages, list):
        return [pair for item in messages for pair in flatten(item, path)]
    return [(path or "(root)", str(messages))]


TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_tokens(path: str) -> list[str | int]:
    """`modules[0].value.x` → ["modules", 0, "value", "x"]."""
    return [int(index) if index else name for name, index in TOKEN_RE.findall(path)]


def module_at(data: Any, path: str) -> str | None:
    """The id of the innermost module that `path` points into, read from the raw data."""
    found, node = None, data
    for token in path_tokens(path):
        if isinstance(node, dict) and isinstance(node.get("id"), str) and "value" in node:
            found = node["id"]
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, dict) and isinstance(node.get("id"), str) and "value" in node:
        found = node["id"]
    return found
