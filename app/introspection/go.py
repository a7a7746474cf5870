"""Go scripts: the parameters of the top-level `func main(...)`, read by a small tokenizer.

There is no Go toolchain on the server, so this reads only what the schema needs: it checks
that strings, comments and brackets are closed and that the file starts with a package clause,
finds `func main`, and maps each parameter's type by its spelling: int*/uint*/byte/rune →
integer, float* → number, string, bool, `[]T` → array, `map[string]T` → object of T,
`*T` → T or null (and optional), `time.Time` → date-time, struct types (inline or declared in
the file, `type X struct {...}`, followed through `type Y = X`) → object keyed by their json
tags; anything else → `{}`. Unnamed or `_` parameters are called argN, as the runner does.
Every non-pointer parameter is required: Go has no default values. Compile errors beyond
these are reported when the job runs (see worker/languages/go.py).
"""
from __future__ import annotations

import json
import re

from app.introspection.base import Introspector, MissingEntrypoint, Schema, ScriptSyntaxError
from app.introspection.base import object_schema
from app.introspection.go_tokens import (Token, check_brackets, depth_change, lines, match,
                                         split, tokenize, where)

_BASIC: dict[str, Schema] = {
    **{name: {"type": "integer"} for name in (
        "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
        "uintptr", "byte", "rune")},
    "float32": {"type": "number"}, "float64": {"type": "number"},
    "string": {"type": "string"}, "bool": {"type": "boolean"},
    "any": {}, "json.RawMessage": {}, "time.Time": {"type": "string", "format": "date-time"},
}
_JSON_TAG = re.compile(r'(?:^|\s)json:"([^"]*)"')


class GoIntrospector(Introspector):
    """Schema of `func main(...)` in a Go file."""

    language = "go"

    def parse_parameters(self, code: str) -> Schema:
        tokens, comments = tokenize(code)
        check_brackets(code, tokens)
        _check_package(code, tokens)
        open_paren = _find_main(tokens)
        types = _declared_types(tokens)
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for name, type_tokens in _parameters(tokens[open_paren + 1:match(tokens, open_paren)]):
            schema = _type_schema(code, type_tokens, types, frozenset())
            properties[name] = schema
            if type_tokens[0].text not in ("*", "..."):  # nil is their "left out"
                required.append(name)
        return object_schema(properties, required, _doc_comment(comments, tokens[open_paren - 2]))


def _check_package(code: str, tokens: list[Token]) -> None:
    if len(tokens) < 2 or tokens[0].text != "package" or tokens[1].kind != "ident":
        offset = tokens[0].start if tokens else 0
        raise ScriptSyntaxError("a Go script starts with a package clause: package main",
                                *where(code, offset))


def _find_main(tokens: list[Token]) -> int:
    """Index of the `(` opening the parameters of the top-level, receiver-less func main."""
    depth = 0
    for i, token in enumerate(tokens[:-2]):
        if depth == 0 and token.text == "func" and tokens[i + 1].text == "main" \
                and tokens[i + 2].text == "(":
            return i + 2
        depth += depth_change(token)
    raise MissingEntrypoint("Go", "func main")


def _parameters(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """(name, type tokens) per parameter; `a, b int` shares one type, as in Go."""
    groups = split(tokens)
    named = any(len(g) > 1 and g[0].kind == "ident" and g[1].text != "." for g in groups)
    if not named:
        return [(f"arg{i + 1}", group) for i, group in enumerate(groups)]
    params: list[tuple[str, list[Token]]] = []
    pending: list[str] = []
    for group in groups:
        if len(group) == 1:  # a name whose type comes with the next name
            pending.append(group[0].text)
            continue
        for name in pending + [group[0].text]:
            params.append((f"arg{len(params) + 1}" if name == "_" else name, group[1:]))
        pending = []
    return params


def _type_schema(code: str, tokens: list[Token], types: dict, seen: frozenset) -> Schema:
    if not tokens:
        return {}
    head, text = tokens[0].text, "".join(t.text for t in tokens)
    recur = lambda rest: _type_schema(code, rest, types, seen)  # noqa: E731
    if head == "*":
        return _nullable(recur(tokens[1:]))
    if head == "...":
        return _array(recur(tokens[1:]))
    if head == "[":
        return _array(recur(tokens[match(tokens, 0) + 1:]))
    if head == "map" and len(tokens) > 1 and tokens[1].text == "[":
        values = recur(tokens[match(tokens, 1) + 1:])
        return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
    if head == "struct" and len(tokens) > 1 and tokens[1].text == "{":
        return _struct_schema(code, tokens[2:-1], types, seen)
    if text in ("interface{}", "any"):
        return {}
    if text in _BASIC:
        return dict(_BASIC[text])
    if text in types and text not in seen:
        return _type_schema(code, types[text], types, seen | {text})
    end = tokens[-1].start + len(tokens[-1].text)
    return {"x-annotation": code[tokens[0].start:end]}


def _struct_schema(code: str, body: list[Token], types: dict, seen: frozenset) -> Schema:
    properties: dict[str, Schema] = {}
    for field in lines(split(body, ";")):
        tag = field.pop() if len(field) > 1 and field[-1].kind == "string" else None
        names = [t.text for t in field if t.kind == "ident"][:1 + sum(t.text == "," for t in field)]
        if len(field) < 2 or field[0].kind != "ident" or field[1].text == ".":
            continue  # an embedded field: not flattened here
        type_tokens = field[2 * len(names) - 1:]
        for name in names:
            key = _json_key(name, tag.text if tag else "")
            if key is not None:
                properties[key] = _type_schema(code, type_tokens, types, seen)
    return {"type": "object", "properties": properties}


def _json_key(field: str, tag: str) -> str | None:
    """The key encoding/json uses for a field, or None when it skips the field."""
    if not field[0].isupper():
        return None
    raw = tag[1:-1] if tag.startswith("`") else (json.loads(tag) if tag else "")
    found = _JSON_TAG.search(raw)
    name = found[1].split(",")[0] if found else ""
    if name == "-" and found[1] == "-":
        return None
    return name or field


def _declared_types(tokens: list[Token]) -> dict[str, list[Token]]:
    """Top-level `type Name T` (and `type ( ... )` groups, and aliases): name → T's tokens."""
    types: dict[str, list[Token]] = {}
    depth, i = 0, 0
    while i < len(tokens):
        if depth == 0 and tokens[i].text == "type" and i + 1 < len(tokens):
            if tokens[i + 1].text == "(":
                end = match(tokens, i + 1)
                specs = lines([tokens[i + 2:end]])
            else:
                end, specs = i, [_spec_tokens(tokens, i + 1)]
                end += len(specs[0])
            for spec in specs:
                if len(spec) > 1 and spec[0].kind == "ident" and spec[1].text != "[":
                    types[spec[0].text] = spec[2:] if spec[1].text == "=" else spec[1:]
            i = end + 1
            continue
        depth += depth_change(tokens[i])
        i += 1
    return types


def _spec_tokens(tokens: list[Token], start: int) -> list[Token]:
    return lines([tokens[start:]])[0] if start < len(tokens) else []


def _doc_comment(comments: list[Token], func: Token) -> str | None:
    """The `//` comment lines directly above `func main`, joined into one line."""
    lines, line = [], func.line - 1
    for comment in reversed(comments):
        if comment.end_line == line and comment.text.startswith("//"):
            lines.insert(0, comment.text[2:].strip())
            line -= 1
        elif comment.end_line < line:
            break
    return " ".join(lines) or None


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items} if items else {"type": "array"}


def _nullable(schema: Schema) -> Schema:
    if "type" not in schema:
        return schema
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": types + ["null"]}
