"""A script's third-party requirements in the canonical form its lock is keyed by."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from worker.deps.python_imports import python_requirements
from worker.deps.typescript_imports import typescript_requirements


@dataclass(frozen=True)
class Requirements:
    """What the resolver gets: for Python, requirement lines; for TypeScript, a package.json."""

    language: str
    text: str
    names: tuple[str, ...]

    @property
    def hash(self) -> str:
        """Key of the requirement set: two scripts asking for the same set share one lock."""
        return hashlib.sha256(f"{self.language}\0{self.text}".encode()).hexdigest()[:32]

    @property
    def summary(self) -> str:
        return ", ".join(self.names)


def requirements_of(language: str, code: str) -> Requirements | None:
    """The requirements of `code` (None when it has none or its language has no packages);
    raises DependencyError for a malformed `requirements:` header."""
    if language == "python":
        lines = sorted(set(python_requirements(code)), key=str.lower)
        return Requirements(language, "".join(f"{line}\n" for line in lines), tuple(lines)) if lines else None
    if language == "typescript":
        packages = typescript_requirements(code)
        if not packages:
            return None
        manifest = {"name": "taskmill-job", "private": True, "dependencies": dict(sorted(packages.items()))}
        names = tuple(f"{name}@{version}" for name, version in sorted(packages.items()))
        return Requirements(language, json.dumps(manifest, indent=2) + "\n", names)
    return None
