"""Flow definitions as text (YAML, or JSON, which is YAML too), and mapping problems found
in the parsed data back to the line and column of the text where they are."""
from __future__ import annotations

from typing import Any

import yaml

from flows.definition import FlowDefinition
from flows.errors import FlowInvalid
from flows.schema import load_definition, path_tokens
from flows.validation import validate


def parse_text(text: str) -> Any:
    """The data in `text`; a syntax error is a FlowInvalid with its line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        detail = {"field": "(root)", "message": f"invalid YAML: {problem}", "module": None,
                  "line": line, "column": column}
        raise FlowInvalid(f"invalid YAML at line {line}, column {column}: {problem}", [detail]) from None


def definition_from_text(text: str) -> FlowDefinition:
    """Parse and validate; every problem in the FlowInvalid carries its line and column."""
    data = parse_text(text)
    try:
        return validate(load_definition(data))
    except FlowInvalid as exc:
        locate_all(text, exc.details)
        raise


def locate_all(text: str, details: list[dict]) -> None:
    """Add `line`/`column` (1-based) to each problem whose field is found in `text`; a
    problem inside a multi-line expression points at its line within the expression."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    lines = text.splitlines()
    for detail in details:
        offset = detail.pop("line_offset", 0)
        node = locate(root, detail["field"])
        if node is None:
            continue
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            # A block scalar starts at its `|` or `>`; its text begins on the next line.
            line += 1 + offset
            column = _indent(lines, line) + 1
        else:
            line += offset
        detail["line"], detail["column"] = line, column


def _indent(lines: list[str], line: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text) - len(text.lstrip(" "))


def locate(root: yaml.Node | None, path: str) -> yaml.Node | None:
    """The node at JSON path `path`; the nearest existing parent otherwise."""
    node, best = root, root
    for token in path_tokens(path):
        node = _child(node, token)
        if node is None:
            break
        best = node
    return best


def _child(node: yaml.Node | None, token: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(token):
                # A missing-field error points at the key; a bad value at the value.
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(token, int) and token < len(node.value):
        return node.value[token]
    return None
