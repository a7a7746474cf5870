"""TypeScript scripts: the parameters of the exported `main()`, read by the TypeScript compiler.

`ts/parse.js` runs under Node with the `typescript` package (5.x, pinned in ts/package.json and
installed by ts/install.sh, which `make assets` runs). It only parses the source: nothing is
type-checked, emitted or executed, so user code never runs here. Mapping, by spelling:
number, string, boolean; `T[]` / `Array<T>` → array; string-literal unions and enums declared
in the file → enum; object literal types and interfaces → object; `Record<string, T>` → object
of T; `Date` → date-time string; aliases in the file are followed (a named object type keeps
its name as `title`); `Resource<"postgresql">` → a resource of that type (the form's picker;
`Resource` needs no import: Bun strips types without checking them); anything else → `{}`.
A parameter with `?` or a default is optional; `T | null` admits null.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from app.errors import TaskmillError
from app.introspection.base import Introspector, MissingEntrypoint, Schema, ScriptSyntaxError
from app.introspection.base import object_schema

PARSER_DIR = Path(__file__).resolve().parent / "ts"
"""parse.js and its node_modules (see ts/install.sh)."""
PARSE_TIMEOUT_S = 15.0
"""Seconds a parse may take; loading the compiler takes a fraction of that."""


class ParserUnavailable(TaskmillError):
    """Node or the TypeScript package is missing on this server (an install step, not the user)."""

    status = 503
    code = "introspection_unavailable"


class TypeScriptIntrospector(Introspector):
    """Schema of `export [async] function main(...)` (or `export const main = (...) =>`)."""

    language = "typescript"

    def parse_parameters(self, code: str) -> Schema:
        parsed = _run_parser(code)
        if "error" in parsed:
            error = parsed["error"]
            raise ScriptSyntaxError(error["message"], error["line"], error["column"])
        if parsed.get("missing"):
            raise MissingEntrypoint("TypeScript", "an exported main")
        properties = {p["name"]: p["schema"] for p in parsed["parameters"]}
        required = [p["name"] for p in parsed["parameters"] if not p["optional"]]
        return object_schema(properties, required, parsed.get("description"))

    def run_args(self, schema: Schema, args: dict[str, Any]) -> dict[str, Any]:
        """Every parameter in declaration order, as the runner passes them positionally: the
        given value, else the schema default, else None (main() then gets `undefined`)."""
        properties = schema.get("properties", {})
        return {name: args[name] if name in args else properties.get(name, {}).get("default")
                for name in schema.get("x-order", [])}


def _run_parser(code: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (PARSER_DIR / "node_modules" / "typescript").is_dir():
        raise ParserUnavailable("TypeScript introspection needs Node and the typescript package: "
                                f"run `bash {PARSER_DIR / 'install.sh'}` (part of `make assets`)")
    # A bare environment: no NODE_OPTIONS (--require ...) or other settings reach node.
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8"}
    try:
        result = subprocess.run([node, str(PARSER_DIR / "parse.js")], input=code,
                                capture_output=True, text=True, env=env, timeout=PARSE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise ScriptSyntaxError(f"parsing did not finish in {PARSE_TIMEOUT_S:g} s") from None
    if result.returncode != 0:
        raise ParserUnavailable(f"the TypeScript parser failed: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)
