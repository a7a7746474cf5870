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
