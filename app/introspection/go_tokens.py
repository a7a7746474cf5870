"""A tokenizer for Go source, enough to read declarations without a Go toolchain: tokens
with their lines (comments apart), bracket balance, and splitting at commas and at the line
breaks where Go inserts semicolons."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from app.introspection.base import ScriptSyntaxError

_TOKEN = re.compile(r"""
    (?P<space>\s+) | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)+')
  | (?P<ident>[^\W\d]\w*) | (?P<number>\.?\d(?:[\w.]|[eEpP][+-])*)
  | (?P<punct>\.\.\.|[^\s\w"'`])
""", re.VERBOSE | re.DOTALL)
_CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name of _TOKEN), text, offset and first and last line."""

    kind: str
    text: str
    start: int
    line: int
    end_line: int


def tokenize(code: str) -> tuple[list[Token], list[Token]]:
    """(tokens, comments) of `code`; ScriptSyntaxError for an unterminated string or comment."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", code)]
    tokens, comments, position = [], [], 0
    while position < len(code):
        found = _TOKEN.match(code, position)
        if found is None:  # only an unterminated string or rune literal matches nothing
            raise ScriptSyntaxError("string literal not terminated", *where(code, position))
        if found.lastgroup == "punct" and code.startswith("/*", position):
            raise ScriptSyntaxError("comment not terminated", *where(code, position))
        if found.lastgroup != "space":
            token = Token(found.lastgroup, found[0], position,
                           bisect.bisect_right(line_starts, position),
                           bisect.bisect_right(line_starts, found.end() - 1))
            (comments if token.kind == "comment" else tokens).append(token)
        position = found.end()
    return tokens, comments


def where(code: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`."""
    return code.count("\n", 0, offset) + 1, offset - (code.rfind("\n", 0, offset) + 1) + 1


def check_brackets(code: str, tokens: list[Token]) -> None:
    """ScriptSyntaxError at the first bracket that is unmatched or never closed."""
    stack: list[Token] = []
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in "([{":
            stack.append(token)
        elif token.text in _CLOSERS:
            if not stack or stack[-1].text != _CLOSERS[token.text]:
                raise ScriptSyntaxError(f"unexpected {token.text}", *where(code, token.start))
            stack.pop()
    if stack:
        raise ScriptSyntaxError(f"{stack[-1].text} is never closed", *where(code, stack[-1].start))


def depth_change(token: Token) -> int:
    """+1 for an opening bracket, -1 for a closing one, else 0."""
    if token.kind != "punct":
        return 0
    return 1 if token.text in "([{" else -1 if token.text in ")]}" else 0


def match(tokens: list[Token], opener: int) -> int:
    """Index of the bracket closing `tokens[opener]` (len(tokens) if none)."""
    depth = 0
    for i in range(opener, len(tokens)):
        depth += depth_change(tokens[i])
        if depth == 0:
            return i
    return len(tokens)


def split(tokens: list[Token], separator: str = ",") -> list[list[Token]]:
    """`tokens` split at `separator`s outside brackets, empty groups dropped."""
    groups: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if depth == 0 and token.text == separator:
            groups.append([])
            continue
        depth += depth_change(token)
        groups[-1].append(token)
    return [group for group in groups if group]


def lines(groups: list[list[Token]]) -> list[list[Token]]:
    """Split token groups further at line breaks outside brackets (Go's implicit semicolons)."""
    lines: list[list[Token]] = []
    for group in groups:
        depth, current = 0, []
        for token in group:
            if depth == 0 and current and token.line > current[-1].end_line:
                lines.append(current)
                current = []
            depth += depth_change(token)
            current.append(token)
        lines.append(current)
    return [line for line in lines if line]
