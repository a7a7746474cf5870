"""Parameter introspection: a script's source → the JSON Schema of its arguments.

One Introspector per language, registered by name in INTROSPECTORS; the schema drives the
run form, API argument validation and the SDK docs. Scripts are parsed, never executed.
"""
from __future__ import annotations

from app.introspection.base import (
    Introspector,
    MissingEntrypoint,
    Schema,
    ScriptSyntaxError,
    UnsupportedLanguage,
)
from app.introspection.bash import BashIntrospector
from app.introspection.go import GoIntrospector
from app.introspection.python import PythonIntrospector
from app.introspection.sql import SqlIntrospector
from app.introspection.typescript import TypeScriptIntrospector

INTROSPECTORS: dict[str, Introspector] = {
    introspector.language: introspector
    for introspector in (PythonIntrospector(), TypeScriptIntrospector(), GoIntrospector(),
                         BashIntrospector(), SqlIntrospector())
}
"""Language name → its introspector; adding a language adds one module and one entry here."""

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(INTROSPECTORS)
"""Language names scripts may be written in, as stored on the script row."""


def parse_parameters(language: str, code: str) -> Schema:
    """The argument schema of `code` written in `language`.

    Raises UnsupportedLanguage for an unregistered language, ScriptSyntaxError when the code
    does not parse, and MissingEntrypoint (a ScriptSyntaxError) when it lacks its entry point.
    """
    try:
        introspector = INTROSPECTORS[language]
    except KeyError:
        raise UnsupportedLanguage(language, SUPPORTED_LANGUAGES) from None
    return introspector.parse_parameters(code)


def run_args(language: str, schema: Schema, args: dict) -> dict:
    """Args as `language`'s wrapper expects them (defaults filled, positional order kept)."""
    return INTROSPECTORS[language].run_args(schema, args)


__all__ = [
    "INTROSPECTORS",
    "SUPPORTED_LANGUAGES",
    "Introspector",
    "MissingEntrypoint",
    "ScriptSyntaxError",
    "UnsupportedLanguage",
    "parse_parameters",
    "run_args",
]
