"""The third-party requirements of a Python script, read from its text (never executed).

A `# requirements:` header block, when present, is the whole list (pip syntax, one per
comment line, up to the first line that is not a comment):

    # requirements:
    # requests>=2.31
    # PyYAML==6.0.1

Without one, the requirements are inferred from the imports: every `import x` / `from x
import y` (anywhere in the module, except inside a `try` that catches ImportError: such
imports are optional), minus relative imports, the standard library and the bundled
`taskmill` SDK, each mapped to its distribution (see `distributions`).
"""
from __future__ import annotations

import ast
import functools
import re
import sys

from worker.deps.distributions import distribution_for
from worker.deps.errors import DependencyError

HEADER = re.compile(r"^#\s*requirements:\s*$", re.IGNORECASE)
REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,\s-]*\])?\s*"
                         r"(\(?\s*[<>=!~]=?[^;#]*\)?|@\s*\S+)?\s*(;[^#]*)?$")
"""A PEP 508 requirement line: name, extras, a version specifier or a direct URL, a marker.
pip options (`--index-url`, `-r file`, `-e`) are refused: they would reach beyond PyPI."""
BUNDLED = {"taskmill"}
"""Importable in every Python job without installing anything."""
OPTIONAL_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def python_requirements(code: str) -> list[str]:
    """The script's requirements: its header block if it has one, else inferred."""
    return list(_requirements(code))


@functools.lru_cache(maxsize=512)
def _requirements(code: str) -> tuple[str, ...]:
    """Parsed once per distinct code in a process: a flow runs the same inline code often."""
    declared = header_requirements(code, "#")
    if declared is not None:
        return tuple(_checked(line) for line in declared)
    return tuple(inferred_requirements(code))


def header_requirements(code: str, comment: str) -> list[str] | None:
    """The lines of a `<comment> requirements:` block, or None without one."""
    lines = code.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(comment) and HEADER.match("#" + line[len(comment):]):
            block = []
            for item in lines[index + 1:]:
                if not item.startswith(comment):
                    break
                text = item[len(comment):].strip()
                if text:
                    block.append(text)
            return block
    return None


def inferred_requirements(code: str) -> list[str]:
    """Distributions of the third-party modules the code imports (none if it does not parse:
    the run then reports the syntax error)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    distributions = set()
    for module in _imported_modules(tree):
        top = module.split(".")[0]
        if top not in sys.stdlib_module_names and top not in BUNDLED:
            distributions.add(distribution_for(module))
    return sorted(distributions, key=str.lower)


def _imported_modules(tree: ast.AST) -> list[str]:
    optional = _optional_imports(tree)
    modules = []
    for node in ast.walk(tree):
        if node in optional:
            continue
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            # `from google.cloud import storage`: the names may be modules of a namespace package.
            modules.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _optional_imports(tree: ast.AST) -> set[ast.AST]:
    """Import statements in the body of a `try` whose handlers catch a failed import."""
    optional: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            for statement in node.body:
                optional.update(n for n in ast.walk(statement)
                                if isinstance(n, (ast.Import, ast.ImportFrom)))
    return optional


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in OPTIONAL_IMPORT_ERRORS for t in types)


def _checked(line: str) -> str:
    if not REQUIREMENT.match(line):
        raise DependencyError(f"requirements header: {line!r} is not a requirement "
                              "(one `name[extras] <version spec>` per line; pip options are not allowed)")
    return line
