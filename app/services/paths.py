"""Item paths: `u/<user>/<name>` for a user's own items, `f/<folder>/<name>` for a folder's."""
from __future__ import annotations

import re

from app.errors import ValidationFailed

PATH_RE = re.compile(r"^(u|f)/[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_.-]{1,100})+$")
MAX_PATH_LENGTH = 255


def validate_path(path: str) -> str:
    """Return `path` if well-formed, else raise with the expected shape."""
    if len(path) > MAX_PATH_LENGTH or not PATH_RE.match(path) or "/../" in f"{path}/":
        raise ValidationFailed(
            f"malformed path {path!r}",
            [{"field": "path", "message": "expected u/<user>/<name> or f/<folder>/<name> "
              "with letters, digits, '_', '-', '.' only"}])
    return path


NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Folder and group names: a folder's name is a path segment, and groups follow the same rule."""


def validate_name(name: str, field: str = "name") -> str:
    """Return `name` if it is a valid folder or group name, else raise naming `field`."""
    if not NAME_RE.match(name):
        raise ValidationFailed(f"malformed {field} {name!r}",
                               [{"field": field, "message": "letters, digits, '_' and '-' only, at most 64"}])
    return name
