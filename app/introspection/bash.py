"""Bash scripts: parameters are the positional arguments `$1`, `${2:-default}`, ...

Conventions (all parameters are strings, ordered by position):
- `name="$1"`, `local count=${2:-10}`, `declare y="${3-a b}"`: a line that assigns a positional,
  and nothing else (no `${1/x/y}`, `${#1}`, ...), to a variable names the parameter after the
  variable; otherwise the parameter is `argN`.
- A comment line directly above that assignment becomes the parameter's description.
- `${N:-x}`, `${N-x}`, `${N:=x}`, `${N=x}` make the parameter optional with default `x`; when
  `x` itself expands something (`$HOME`, `$(date)`, `~`) the parameter is optional, no default.
- Every position up to the highest one used is a parameter, because bash arguments are
  positional: with `$1` and `$3` only, `arg2` still exists (optional, default "") so that
  the third value lands in `$3`.
- References inside comments, single quotes, function bodies (where `$1` is the function's own
  argument) or escaped (`\\$1`) are ignored; heredoc bodies are not special-cased.
  `$0`, `$#`, `$@`, `$*` are not parameters.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from app.introspection.base import Introspector, Schema, ScriptSyntaxError, object_schema

SYNTAX_CHECK_TIMEOUT = 5.0
"""Seconds `bash -n` may take; parsing a script is fast, so a hang means something is wrong."""

_REFERENCE = re.compile(r"(?<!\$)\$(?:\{(#?)(\d+)|([1-9]))")
_DEFAULT_OPERATOR = re.compile(r"(:?[-=])(.*)", re.DOTALL)
_VERBATIM_OPERATOR = re.compile(r"$|:?[-=?]")
_ASSIGNMENT = re.compile(
    r"(?:^|[;&|({]|\bthen|\bdo|\belse)\s*"  # a command starts here
    r"(?:(?:local|declare|typeset|readonly|export)(?:\s+[-+][A-Za-z]+)*\s+)?"
    r"(?:[A-Za-z_]\w*=\S*\s+)*"  # earlier assignments in the same command
    r"([A-Za-z_]\w*)=\"?$"
)
_ASSIGNMENT_END = re.compile(r"\"?(?:[\s;&|)]|$)")
_COMMAND_START = " \t\n;&|()"
_FUNCTION_HEADER = re.compile(
    r"^[ \t]*(?:function[ \t]+[\w:.-]+(?:[ \t]*\(\))?|[\w:.-]+[ \t]*\([ \t]*\))\s*\{", re.MULTILINE
)


@dataclass
class _Reference:
    position: int
    start: int
    end: int
    optional: bool = False
    default: str | None = None
    verbatim: bool = True  # expands to the argument itself, not e.g. its length or a slice


class BashIntrospector(Introspector):
    """Schema of a bash script's positional arguments, after `bash -n` accepts it."""

    language = "bash"

    def run_args(self, schema: Schema, args: dict[str, Any]) -> dict[str, Any]:
        """Every position, in order (the wrapper passes the values as $1, $2, ...)."""
        return dict(zip(schema.get("x-order", []), positional_args(schema, args)))

    def parse_parameters(self, code: str) -> Schema:
        check_syntax(code)
        references = _find_references(code)
        highest = max((ref.position for ref in references), default=0)
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for position in range(1, highest + 1):
            refs = [ref for ref in references if ref.position == position]
            name, schema = _parameter(code, position, refs, taken=properties.keys())
            properties[name] = schema
            if refs and not any(ref.optional for ref in refs):
                required.append(name)
        return object_schema(properties, required)


def check_syntax(code: str) -> None:
    """Raise ScriptSyntaxError (column 1; bash reports lines only) unless `bash -n` parses it."""
    bash = shutil.which("bash") or "/bin/bash"
    # a bare environment: no BASH_ENV to source, and untranslated messages to parse
    env = {"LC_ALL": "C", "PATH": os.defpath}
    try:
        result = subprocess.run(
            [bash, "-n"], input=code, capture_output=True, text=True,
            env=env, timeout=SYNTAX_CHECK_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise ScriptSyntaxError(f"bash -n did not finish in {SYNTAX_CHECK_TIMEOUT:g} s") from None
    if result.returncode == 0:
        return
    found = re.search(r"line (\d+): (.*)", result.stderr)
    if found:
        raise ScriptSyntaxError(found.group(2).strip(), int(found.group(1)), 1)
    raise ScriptSyntaxError(result.stderr.strip() or "bash -n rejected the script")


def positional_args(schema: Schema, args: Mapping[str, Any]) -> list[str]:
    """The argv for the script: values in `x-order`, schema defaults for missing ones.

    Values are converted with str(); None (or a missing value without default) becomes "".
    """
    properties = schema.get("properties", {})
    argv = []
    for name in schema.get("x-order", []):
        value = args.get(name, properties.get(name, {}).get("default"))
        argv.append("" if value is None else str(value))
    return argv


def _parameter(
    code: str, position: int, refs: list[_Reference], taken: Container[str]
) -> tuple[str, Schema]:
    """Name and schema of one position, from every reference to it."""
    if not refs:
        unused = {"type": "string", "default": "", "description": "not used by the script"}
        return _unique(f"arg{position}", taken), unused
    schema: Schema = {"type": "string"}
    default = next((ref.default for ref in refs if ref.default is not None), None)
    if default is not None:
        schema["default"] = default
    for ref in refs:
        name = _assigned_name(code, ref)
        if name and name not in taken:
            description = _comment_above(code, ref.start)
            if description:
                schema["description"] = description
            return name, schema
    return _unique(f"arg{position}", taken), schema


def _find_references(code: str) -> list[_Reference]:
    masked = _mask_function_bodies(_mask_inert(code))
    references = []
    for found in _REFERENCE.finditer(masked):
        length_of, braced, bare = found.groups()
        if bare:
            references.append(_Reference(int(bare), found.start(), found.end()))
            continue
        end = _closing_brace(masked, found.end())
        if end < 0 or int(braced) == 0:
            continue
        ref = _Reference(int(braced), found.start(), end + 1)
        operator = code[found.end():end]
        ref.verbatim = not length_of and _VERBATIM_OPERATOR.match(operator) is not None
        has_default = _DEFAULT_OPERATOR.fullmatch(operator)
        if has_default and not length_of:
            ref.optional = True
            ref.default = _literal_word(has_default.group(2))
        references.append(ref)
    return references


def _mask_inert(code: str) -> str:
    """`code` with comments, single-quoted text and escaped characters blanked, same offsets."""
    out = list(code)
    quote = ""
    i = 0
    while i < len(code):
        char = code[i]
        if quote == "'":
            quote = "" if char == "'" else quote
            out[i] = char if char in "'\n" else " "
        elif char == "\\" and i + 1 < len(code):
            out[i + 1] = code[i + 1] if code[i + 1] == "\n" else " "
            i += 1
        elif quote == '"':
            quote = "" if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or code[i - 1] in _COMMAND_START):
            end = code.find("\n", i)
            end = len(code) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        i += 1
    return "".join(out)


def _mask_function_bodies(masked: str) -> str:
    """Blank `f() { ... }` bodies: positionals there are the function's, not the script's."""
    out = list(masked)
    for header in _FUNCTION_HEADER.finditer(masked):
        end = _closing_brace(masked, header.end())
        end = len(masked) if end < 0 else end
        out[header.end():end] = ["\n" if c == "\n" else " " for c in masked[header.end():end]]
    return "".join(out)


def _closing_brace(masked: str, start: int) -> int:
    depth = 1
    for i in range(start, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[i], 0)
        if depth == 0:
            return i
    return -1


def _literal_word(word: str) -> str | None:
    """The value of a default word, or None when bash would expand something in it."""
    if len(word) >= 2 and word[0] == word[-1] == "'":
        return word[1:-1]
    if len(word) >= 2 and word[0] == word[-1] == '"':
        word = word[1:-1]
    if word.startswith("~") or any(char in word for char in "$`'\""):
        return None
    return re.sub(r"\\(.)", r"\1", word)


def _assigned_name(code: str, ref: _Reference) -> str | None:
    if not ref.verbatim:
        return None
    line_start = code.rfind("\n", 0, ref.start) + 1
    line_end = code.find("\n", ref.end)
    rest = code[ref.end:] if line_end < 0 else code[ref.end:line_end]
    found = _ASSIGNMENT.search(code[line_start:ref.start])
    return found.group(1) if found and _ASSIGNMENT_END.match(rest) else None


def _comment_above(code: str, offset: int) -> str | None:
    lines = code[:offset].split("\n")
    above = lines[-2].strip() if len(lines) >= 2 else ""
    if not above.startswith("#") or above.startswith("#!") or "shellcheck" in above:
        return None
    return above.lstrip("#").strip() or None


def _unique(name: str, taken: Container[str]) -> str:
    candidate, suffix = name, 2
    while candidate in taken:
        candidate, suffix = f"{name}_{suffix}", suffix + 1
    return candidate
