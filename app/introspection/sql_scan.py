"""A scanner for PostgreSQL text: where the `$N` placeholders are, outside string literals
(with E'...' backslash escapes), quoted identifiers, comments (nested /* */ too) and
dollar-quoted strings. Unterminated ones are ScriptSyntaxErrors with line and column."""
from __future__ import annotations

import re
from typing import Iterator

from app.introspection.base import ScriptSyntaxError

_PLACEHOLDER = re.compile(r"\$(\d+)")
_DOLLAR_QUOTE = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")
_WORD = re.compile(r"[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*")  # `a$1` is one identifier


def placeholders(code: str) -> Iterator[tuple[int, int]]:
    """(N, offset) of each `$N` outside strings, quoted identifiers, comments, dollar quotes."""
    i = 0
    while i < len(code):
        char = code[i]
        if code.startswith("--", i):
            end = code.find("\n", i)
            i = len(code) if end < 0 else end
        elif code.startswith("/*", i):
            i = _comment_end(code, i)
        elif char in "'\"":
            backslashes = char == "'" and i > 0 and code[i - 1] in "eE" and _word_start(code, i - 1)
            i = _quote_end(code, i, backslashes)
        elif char == "$" and (found := _PLACEHOLDER.match(code, i)):
            yield int(found[1]), i
            i = found.end()
        elif char == "$" and (tag := _DOLLAR_QUOTE.match(code, i)):
            end = code.find(tag[0], tag.end())
            if end < 0:
                raise ScriptSyntaxError("unterminated dollar-quoted string", *line_column(code, i))
            i = end + len(tag[0])
        elif word := _WORD.match(code, i):
            i = word.end()
        else:
            i += 1


def _word_start(code: str, i: int) -> bool:
    return i == 0 or not (code[i - 1].isalnum() or code[i - 1] in "_$")


def _quote_end(code: str, start: int, backslashes: bool) -> int:
    quote, i = code[start], start + 1
    while i < len(code):
        if backslashes and code[i] == "\\":
            i += 2
        elif code[i] == quote:
            if not code.startswith(quote * 2, i):
                return i + 1
            i += 2
        else:
            i += 1
    what = "string" if quote == "'" else "quoted identifier"
    raise ScriptSyntaxError(f"unterminated {what}", *line_column(code, start))


def _comment_end(code: str, start: int) -> int:
    depth, i = 0, start
    while i < len(code):  # PostgreSQL block comments nest
        if code.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif code.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise ScriptSyntaxError("unterminated /* comment", *line_column(code, start))


def line_column(code: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset` in `code`."""
    line = code.count("\n", 0, offset) + 1
    return line, offset - (code.rfind("\n", 0, offset) + 1) + 1
