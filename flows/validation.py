"""Checks on a whole flow definition, made at save so a bad flow never starts.

Each problem names the JSON path of the field, the module it is in and what is wrong:
duplicate module ids, expressions that do not parse, names an expression may not use
there, `results.<id>` of a step that does not exist or has not run yet at that point,
options that do not apply to the module's type, and the module types' own checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from jinja2 import TemplateSyntaxError
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from flows.definition import FlowDefinition, Placed
from flows.errors import FlowInvalid
from flows.expressions import CONTEXT_NAMES, parse
from flows.modules import module_type
from flows.schema import summarize

CODE_ONLY_OPTIONS = ("retry", "timeout")
"""Options that apply only to modules that run code."""
JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})


@dataclass
class Problem:
    field: str
    message: str
    module: str | None = None
    line_offset: int = 0
    """For a multi-line expression: the line of the problem within it (0-based)."""

    def to_dict(self) -> dict:
        data = {"field": self.field, "message": self.message, "module": self.module}
        if self.line_offset:
            data["line_offset"] = self.line_offset
        return data


def validate(definition: FlowDefinition) -> FlowDefinition:
    """Return `definition` if it is sound; otherwise raise FlowInvalid listing every problem."""
    problems = list(problems_of(definition))
    if problems:
        details = [p.to_dict() for p in problems]
        raise FlowInvalid(summarize(details), details)
    return definition


def problems_of(definition: FlowDefinition) -> Iterator[Problem]:
    yield from _schema_problems("schema", definition.schema, None)
    placed = list(definition.placed())
    every_id = {p.module.id for p in placed}
    seen: set[str] = set()
    for where in placed:
        module = where.module
        if module.id in seen:
            yield Problem(f"{where.path}.id", f"duplicate module id {module.id!r}", module.id)
        seen.add(module.id)
        yield from _option_problems(where)
        yield from _expression_problems(where, every_id)
        kind = module_type(module.value.type)
        for sub_path, message in kind.problems(module.value):
            yield Problem(f"{where.path}.value.{sub_path}", message, module.id)


def _schema_problems(field: str, schema: dict | None, module: str | None) -> Iterator[Problem]:
    if schema is None:
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        yield Problem(field, f"not a valid JSON Schema: {exc.message}", module)


def _option_problems(where: Placed) -> Iterator[Problem]:
    module = where.module
    kind = module_type(module.value.type)
    for option in CODE_ONLY_OPTIONS:
        if getattr(module, option) is not None and not kind.runs_code:
            yield Problem(f"{where.path}.{option}", f"{option} applies to rawscript and script "
                          f"modules, not {kind.type}", module.id)
    if module.input_transforms and not kind.takes_inputs:
        yield Problem(f"{where.path}.input_transforms", f"{kind.type} modules take no inputs", module.id)
    if module.suspend is not None:
        yield from _schema_problems(f"{where.path}.suspend.schema", module.suspend.schema, module.id)


def _expressions(where: Placed) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(path, expression, names it may use) of every expression of a module."""
    module = where.module
    names = CONTEXT_NAMES - {"result", "error", "failed_step", "iter", "approval"}
    names |= {"iter"} if where.in_loop else set()
    names |= {"error", "failed_step"} if where.failure else set()
    with_approval = names | ({"approval"} if module.suspend is not None else set())
    for name, transform in module.input_transforms.items():
        if transform.type == "expr":
            yield f"{where.path}.input_transforms.{name}.expr", transform.expr, with_approval
    if module.skip_if is not None:
        yield f"{where.path}.skip_if.expr", module.skip_if, names
    if module.stop_after_if is not None:
        yield f"{where.path}.stop_after_if.expr", module.stop_after_if.expr, names | {"result"}
    for sub_path, expr in module_type(module.value.type).expressions(module.value):
        yield f"{where.path}.value.{sub_path}", expr, names


def _expression_problems(where: Placed, every_id: set[str]) -> Iterator[Problem]:
    module_id = where.module.id
    for path, expr, allowed in _expressions(where):
        try:
            parsed = parse(expr)
        except TemplateSyntaxError as exc:
            yield Problem(path, f"invalid expression: {exc.message}", module_id, (exc.lineno or 1) - 1)
            continue
        for name in sorted(parsed.names - allowed - JINJA_GLOBALS):
            hint = "" if name not in CONTEXT_NAMES else " here"
            yield Problem(path, f"unknown name {name!r}{hint} in {expr!r}", module_id)
        for ref in parsed.step_refs:
            if ref not in every_id:
                yield Problem(path, f"unknown step id {ref!r} in results.{ref}", module_id)
            elif ref not in where.visible:
                yield Problem(path, f"results.{ref}: step {ref!r} has not run yet when "
                              f"{module_id!r} runs", module_id)
