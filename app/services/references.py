"""References inside JSON values: a string `$var:<path>` names a variable, `$res:<path>` a resource.

Only a whole string is a reference (no interpolation inside longer text). Job arguments may
hold both kinds at any depth; resource values may hold `$var:` only. They are replaced by
the worker just before a run (see app.services.resolve), never stored resolved.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

VAR_PREFIX = "$var:"
RES_PREFIX = "$res:"
PREFIXES = (VAR_PREFIX, RES_PREFIX)


def parse(value: Any) -> tuple[str, str] | None:
    """`(prefix, path)` if `value` is a reference string, else None."""
    if isinstance(value, str):
        for prefix in PREFIXES:
            if value.startswith(prefix):
                return prefix, value[len(prefix):]
    return None


def is_reference(value: Any) -> bool:
    return parse(value) is not None


def replace(value: Any, resolve: Callable[[str, str], Any]) -> Any:
    """A copy of the JSON `value` with each reference `r` replaced by `resolve(prefix, path)`."""
    if isinstance(value, dict):
        return {key: replace(item, resolve) for key, item in value.items()}
    if isinstance(value, list):
        return [replace(item, resolve) for item in value]
    found = parse(value)
    return resolve(*found) if found else value


def walk(value: Any) -> Iterator[tuple[str, str]]:
    """Every reference in the JSON `value`, depth first."""
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    elif (found := parse(value)) is not None:
        yield found
