"""Validation of run arguments against a runnable's JSON Schema.

A `$var:` / `$res:` reference string may stand for any argument: the worker replaces it just
before the run and validates the resolved arguments again (app.services.resolve).
"""
from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.errors import ValidationFailed
from app.services.references import is_reference


def _fields(error: ValidationError) -> list[str]:
    """The failing fields as paths (`route/stops/1/x`), so a form can mark nested inputs."""
    where = "/".join(str(p) for p in error.absolute_path)

    def at(name: str) -> str:
        return f"{where}/{name}" if where else name

    if error.validator == "required":
        return [at(name) for name in error.validator_value if name not in error.instance]
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        return [at(name) for name in error.instance if name not in allowed]
    return [where or "(root)"]


def validate_args(schema: dict[str, Any], args: Any) -> dict[str, Any]:
    """Return `args` if it satisfies `schema`; otherwise raise listing every failing field."""
    if not isinstance(args, dict):
        raise ValidationFailed("arguments must be a JSON object",
                               [{"field": "(root)", "message": "expected an object"}])
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    details = [{"field": field, "message": error.message}
               for error in validator.iter_errors(args) if not is_reference(error.instance)
               for field in _fields(error)]
    if details:
        raise invalid_arguments(details)
    return args


def invalid_arguments(details: list[dict[str, Any]]) -> ValidationFailed:
    """The error naming every failing field of `details` (`{"field", "message"}` each)."""
    names = ", ".join(sorted({d["field"] for d in details}))
    return ValidationFailed(f"invalid arguments: {names}", details)
