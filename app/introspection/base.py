"""What every language introspector promises, the errors it raises, and the schema it returns."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from app.errors import TaskmillError, ValidationFailed

Schema = dict[str, Any]
"""A JSON Schema document or sub-schema, as plain JSON-ready data."""

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect every introspector emits (forms and jsonschema both speak it)."""


class ScriptSyntaxError(TaskmillError):
    """The script does not parse; `line` and `column` are 1-based, `reason` is the parser's words."""

    code = "script_syntax_error"

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(self._describe(), {"line": line, "column": column, "reason": reason})

    def _describe(self) -> str:
        return f"invalid syntax at line {self.line}, column {self.column}: {self.reason}"


class MissingEntrypoint(ScriptSyntaxError):
    """The script parses but lacks the function the runner calls (e.g. Python's `main`).

    It is a ScriptSyntaxError (pointing at line 1, column 1) so that callers rejecting
    unusable scripts catch one type, while the API can still tell the two apart.
    """

    def __init__(self, language: str, entrypoint: str = "main") -> None:
        self.language = language
        self.entrypoint = entrypoint
        super().__init__(f"a {language} script must define {entrypoint}()")

    def _describe(self) -> str:
        return self.reason


class UnsupportedLanguage(ValidationFailed):
    """No introspector is registered for `language`."""

    def __init__(self, language: str, supported: tuple[str, ...] = ()) -> None:
        self.language = language
        self.supported = supported
        message = f"unsupported language {language!r}"
        if supported:
            message += f" (supported: {', '.join(supported)})"
        super().__init__(message, [{"field": "language", "message": message}])


class Introspector(ABC):
    """Reads a script's parameters as a JSON Schema by parsing it, never by running it."""

    language: ClassVar[str]
    """The registry key, e.g. "python"."""

    @abstractmethod
    def parse_parameters(self, code: str) -> Schema:
        """Return the object schema of the script's arguments.

        Raises ScriptSyntaxError (or its subclass MissingEntrypoint) when the code is unusable.
        """

    def run_args(self, schema: Schema, args: dict[str, Any]) -> dict[str, Any]:
        """The arguments as the wrapper receives them: validated args plus schema defaults.

        jsonschema does not apply defaults, and a parameter may be optional in the schema
        (e.g. `Optional[int]` without a default) while the entry point still needs a value.
        """
        defaults = {name: prop["default"] for name, prop in schema.get("properties", {}).items()
                    if "default" in prop and name not in args}
        return {**args, **defaults}


def object_schema(
    properties: dict[str, Schema], required: list[str], description: str | None = None
) -> Schema:
    """Wrap per-parameter schemas into the closed object schema all introspectors return.

    `x-order` repeats the declaration order explicitly, because JSON object key order is not
    guaranteed to survive storage and transport, and forms must show fields in that order.
    """
    schema: Schema = {"$schema": SCHEMA_DIALECT, "type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = required
    schema["additionalProperties"] = False
    schema["x-order"] = list(properties)
    return schema
