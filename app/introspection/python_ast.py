"""Small readings of Python syntax trees shared by the parameter and the class introspection."""
from __future__ import annotations

import ast
import math
from typing import Any

import docstring_parser


def type_name(node: ast.expr) -> str:
    """`x` for `x`, `typing.x` or `mod.x`: the spelling carries the meaning, not the import."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def subscript_args(node: ast.Subscript) -> list[ast.expr]:
    """The type arguments of `X[a, b]` (`[a, b]`) or `X[a]` (`[a]`)."""
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def parse_annotation_text(text: str) -> ast.expr | None:
    """Parse a string annotation or docstring type ("int, optional" → `int`)."""
    text = text.removesuffix(", optional").strip()
    if not text:
        return None
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def json_literal(value: Any) -> Any:
    """`value` as JSON data (tuples become lists); ValueError if JSON cannot carry it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, (list, tuple)):
        return [json_literal(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: json_literal(item) for key, item in value.items()}
    raise ValueError(f"not representable in JSON: {value!r}")


NO_VALUE = object()
"""What `literal_value` returns for an expression that is computed, not written out."""


def literal_value(node: ast.expr) -> Any:
    """The JSON value an expression spells out (`3`, `[1, "a"]`, `None`), else NO_VALUE."""
    try:
        return json_literal(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return NO_VALUE


def parse_docstring(text: str) -> dict[str, dict[str, str]]:
    """Per-name {"type", "description"} from Google/NumPy/reST `Args:` and `Attributes:`
    sections; the summary line sits under the key ""."""
    try:
        parsed = docstring_parser.parse(text)
    except docstring_parser.ParseError:
        return {}
    docs = {"": {"description": one_line(parsed.short_description)}}
    for param in parsed.params:
        docs[param.arg_name] = {
            "type": param.type_name or "",
            "description": one_line(param.description),
        }
    return docs


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())
