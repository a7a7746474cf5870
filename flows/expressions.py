"""Expressions in flows (`results.fetch.items[0]`, `flow_input.n > 3`), evaluated by Jinja2's
sandboxed environment: never `eval`, no access to Python internals.

An expression sees these names: `flow_input`, `results`, `previous_result`, `iter` (in loops),
`resume`/`resumes` (approval payloads), `approval` (its links, in a suspending step),
`result` (in `stop_after_if`), `error` and `failed_step` (in the failure module).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.meta import find_undeclared_variables
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from flows.errors import ExpressionError

CONTEXT_NAMES = frozenset({"flow_input", "results", "previous_result", "iter", "resume", "resumes",
                           "approval", "result", "error", "failed_step"})
"""Every name an expression may use; where each one is defined is checked at save."""


class FlowEnvironment(SandboxedEnvironment):
    """Sandboxed Jinja where `a.b` on a mapping means its key `b` first.

    Jinja's default tries Python attributes first, so `results.fetch.items` would be the
    dict's `items` method instead of the step's `items` field.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


ENV = FlowEnvironment(undefined=StrictUndefined)


@dataclass(frozen=True)
class ParsedExpression:
    """An expression's syntax tree facts, for checks at save and lazy contexts at run time."""

    names: frozenset[str]
    """Context names it uses."""
    step_refs: tuple[str, ...]
    """Step ids it reads as `results.<id>` or `results['<id>']`."""


def _parse(expr: str) -> nodes.Expr:
    parser = Parser(ENV, expr, state="variable")
    node = parser.parse_expression()
    if not parser.stream.eos:
        token = parser.stream.current
        raise TemplateSyntaxError(f"unexpected {token.value!r} after the expression", token.lineno)
    return node


@lru_cache(maxsize=4096)
def parse(expr: str) -> ParsedExpression:
    """Raises TemplateSyntaxError (with `lineno`) when `expr` is not an expression."""
    if not expr.strip():
        raise TemplateSyntaxError("the expression is empty", 1)
    node = _parse(expr)
    names = find_undeclared_variables(nodes.Template([nodes.Output([node])]).set_environment(ENV))
    refs = []
    for item in [node, *node.find_all((nodes.Getattr, nodes.Getitem))]:
        if not isinstance(item, (nodes.Getattr, nodes.Getitem)):
            continue
        if isinstance(item.node, nodes.Name) and item.node.name == "results":
            key = item.attr if isinstance(item, nodes.Getattr) else getattr(item.arg, "value", None)
            if isinstance(key, str):
                refs.append(key)
    return ParsedExpression(frozenset(names), tuple(dict.fromkeys(refs)))


@lru_cache(maxsize=4096)
def _compiled(expr: str):  # noqa: ANN202 (Jinja's TemplateExpression)
    return ENV.compile_expression(expr, undefined_to_none=False)


def evaluate(expr: str, context: Mapping[str, Any], where: str = "expression") -> Any:
    """The value of `expr`; a failure is an ExpressionError naming `where` and the cause.

    Only the names the expression uses are taken from `context`, so a context may hold
    lazy values (a 10 MB result is loaded only by the expressions that read it).
    """
    try:
        used = parse(expr).names
        values = {name: _value(context[name]) for name in used if name in context}
        return _defined(_compiled(expr)(**values))
    except ExpressionError:
        raise
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"{where}: invalid expression {expr!r}: {exc.message}") from exc
    except UndefinedError as exc:
        raise ExpressionError(f"{where}: {expr!r}: {exc.message}") from exc
    except SecurityError as exc:
        raise ExpressionError(f"{where}: {expr!r} is not allowed: {exc}") from exc
    except Exception as exc:  # a type error in user data, a division by zero, ...
        raise ExpressionError(f"{where}: {expr!r} failed: {type(exc).__name__}: {exc}") from exc


def _defined(value: Any) -> Any:
    """The value, if no part of it is undefined (`flow_input.missing` yields an Undefined
    that Jinja only complains about when it is printed, which a native value never is)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, (list, tuple)):
        return [_defined(item) for item in value]
    if isinstance(value, dict):
        return {key: _defined(item) for key, item in value.items()}
    return value


class Lazy:
    """A context value computed on first use."""

    def __init__(self, load) -> None:  # noqa: ANN001
        self.load = load


def _value(item: Any) -> Any:
    return item.load() if isinstance(item, Lazy) else item


def truthy(expr: str, context: Mapping[str, Any], where: str) -> bool:
    return bool(evaluate(expr, context, where))
