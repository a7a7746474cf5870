"""The npm packages a TypeScript script needs, read from its text (never executed).

A `// requirements:` header block, when present, is the whole list, one package a comment
line, optionally with a version range after `@` (npm syntax):

    // requirements:
    // lodash@4.17.21
    // zod@^3.22
    // @types/node

Without one, the packages are the bare specifiers the code imports (`import x from "pkg"`,
`import "pkg/sub"`, `export ... from "pkg"`, `import("pkg")`, `require("pkg")`): not
relative or absolute paths, not URLs, not `node:`/`bun:` built-ins (nor Node's built-in
module names written without `node:`), each at its latest version. A scoped package is
`@scope/name`; a subpath import needs its package.
"""
from __future__ import annotations

import re

from worker.deps.errors import DependencyError
from worker.deps.python_imports import header_requirements

COMMENTS_AND_STRINGS = re.compile(
    r"//[^\n]*|/\*.*?\*/|(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)",
    re.DOTALL)
SPECIFIER = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(?P<q>["'])(?P<spec>[^"'\n]+)(?P=q)""")
PACKAGE_NAME = re.compile(r"^(@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$")
PINNED = re.compile(r"^(?P<name>(@[^/@\s]+/)?[^/@\s]+)(@(?P<range>\S+))?$")
BUILTIN_MODULES = frozenset("""
assert async_hooks buffer child_process cluster console constants crypto dgram
diagnostics_channel dns domain events fs http http2 https inspector module net os path
perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls
trace_events tty url util v8 vm wasi worker_threads zlib test sqlite bun
""".split())
"""Node's built-in modules, importable without the `node:` prefix, and Bun's own `bun`."""


def typescript_requirements(code: str) -> dict[str, str]:
    """Package name → version range (`latest` when the script does not pin one)."""
    declared = header_requirements(code, "//")
    if declared is not None:
        return dict(_pinned(line) for line in declared)
    return {name: "latest" for name in sorted(_imported_packages(code))}


def _imported_packages(code: str) -> set[str]:
    packages = set()
    for match in SPECIFIER.finditer(_without_comments(code)):
        name = package_of(match.group("spec"))
        if name:
            packages.add(name)
    return packages


def _without_comments(code: str) -> str:
    """The code with comments blanked (strings kept: they hold the specifiers)."""
    return COMMENTS_AND_STRINGS.sub(lambda m: m.group(1) or " ", code)


def package_of(specifier: str) -> str | None:
    """The npm package a module specifier names, or None for files, URLs and built-ins."""
    if specifier.startswith((".", "/")) or ":" in specifier:
        return None  # relative, absolute, node:/bun:/npm:/http: ...
    parts = specifier.split("/")
    name = "/".join(parts[:2]) if specifier.startswith("@") else parts[0]
    if name in BUILTIN_MODULES:
        return None
    return name if PACKAGE_NAME.match(name) else None


def _pinned(line: str) -> tuple[str, str]:
    match = PINNED.match(line)
    if not match or not PACKAGE_NAME.match(match.group("name")):
        raise DependencyError(f"requirements header: {line!r} is not a package "
                              "(one `name` or `name@range` per line, e.g. `lodash@^4.17`)")
    return match.group("name"), match.group("range") or "latest"
