"""The flow definition as data: dataclasses with `from_dict`/`to_dict`.

The text form (YAML or JSON) is parsed and validated by `flows.schema`; these classes are
what the rest of Taskmill works with. `to_dict` leaves out options at their defaults, so a
definition written without them reads back as it was written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, Protocol

DEFAULT_TAG = "default"
"""Queue (worker group) of a flow's control tasks and inline scripts unless it names one."""
DEFAULT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}
SUSPEND_TIMEOUT_S = 1800.0
"""How long an approval waits by default before the flow is canceled."""


class ModuleValue(Protocol):
    """What a module does; one dataclass per module type (see flows.modules)."""

    type: str


@dataclass
class InputTransform:
    """A step argument: a `static` JSON value, or an `expr` evaluated when the step runs."""

    type: str
    value: Any = None
    expr: str = ""

    def to_dict(self) -> dict[str, Any]:
        if self.type == "expr":
            return {"type": "expr", "expr": self.expr}
        return {"type": "static", "value": self.value}


@dataclass
class ConstantRetry:
    attempts: int
    seconds: float


@dataclass
class ExponentialRetry:
    attempts: int
    seconds: float
    multiplier: float = 1.0


@dataclass
class Retry:
    """Retries after a failed attempt: first the constant ones, then the exponential ones.

    The n-th exponential retry waits `multiplier * seconds ** n` seconds (n = 1, 2, ...).
    """

    constant: ConstantRetry | None = None
    exponential: ExponentialRetry | None = None

    @property
    def max_retries(self) -> int:
        return (self.constant.attempts if self.constant else 0) + (
            self.exponential.attempts if self.exponential else 0)

    def delay_before(self, retry: int) -> float | None:
        """Seconds to wait before retry number `retry` (1-based); None when none is left."""
        constant = self.constant.attempts if self.constant else 0
        if retry <= constant:
            return self.constant.seconds
        if self.exponential and retry - constant <= self.exponential.attempts:
            return self.exponential.multiplier * self.exponential.seconds ** (retry - constant)
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.constant:
            data["constant"] = {"attempts": self.constant.attempts, "seconds": self.constant.seconds}
        if self.exponential:
            e = self.exponential
            data["exponential"] = {"attempts": e.attempts, "multiplier": e.multiplier, "seconds": e.seconds}
        return data


@dataclass
class StopAfterIf:
    """Stop the flow after this step when `expr` (which sees `result`) is true."""

    expr: str
    skip_if_stopped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"expr": self.expr, **({"skip_if_stopped": True} if self.skip_if_stopped else {})}


@dataclass
class Suspend:
    """After this step, wait for approvals (resume or cancel) without holding a worker."""

    required_events: int = 1
    timeout: float = SUSPEND_TIMEOUT_S
    schema: dict[str, Any] | None = None
    """JSON Schema of the resume form's payload."""
    user_auth_required: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"required_events": self.required_events}
        if self.timeout != SUSPEND_TIMEOUT_S:
            data["timeout"] = self.timeout
        if self.schema is not None:
            data["schema"] = self.schema
        if self.user_auth_required:
            data["user_auth_required"] = True
        return data


@dataclass
class FlowModule:
    """One step of a flow: an id unique in the flow, what it does, and how it is run."""

    id: str
    value: ModuleValue
    summary: str = ""
    input_transforms: dict[str, InputTransform] = field(default_factory=dict)
    retry: Retry | None = None
    stop_after_if: StopAfterIf | None = None
    skip_if: str | None = None
    sleep: float | None = None
    timeout: float | None = None
    suspend: Suspend | None = None

    def to_dict(self) -> dict[str, Any]:
        from flows.modules import module_type
        data: dict[str, Any] = {"id": self.id}
        if self.summary:
            data["summary"] = self.summary
        data["value"] = {"type": self.value.type, **module_type(self.value.type).to_dict(self.value)}
        if self.input_transforms:
            data["input_transforms"] = {k: t.to_dict() for k, t in self.input_transforms.items()}
        for name in ("retry", "stop_after_if", "suspend"):
            option = getattr(self, name)
            if option is not None:
                data[name] = option.to_dict()
        if self.skip_if is not None:
            data["skip_if"] = {"expr": self.skip_if}
        for name in ("sleep", "timeout"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


@dataclass
class Placed:
    """A module with where it sits: its JSON path and the modules that run before it."""

    module: FlowModule
    path: str
    visible: frozenset[str]
    """Ids whose results the module may read (earlier in its sequence or enclosing ones)."""
    in_loop: bool
    failure: bool = False


@dataclass
class FlowDefinition:
    """A whole flow: inputs schema, the ordered modules, the optional failure module."""

    modules: list[FlowModule] = field(default_factory=list)
    summary: str = ""
    description: str = ""
    schema: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SCHEMA))
    failure_module: FlowModule | None = None
    tag: str = DEFAULT_TAG

    @classmethod
    def from_dict(cls, data: Any) -> "FlowDefinition":
        """Validate and build (raises FlowInvalid listing every problem)."""
        from flows.schema import load_definition
        return load_definition(data)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.summary:
            data["summary"] = self.summary
        if self.description:
            data["description"] = self.description
        data["schema"] = self.schema
        data["modules"] = [m.to_dict() for m in self.modules]
        if self.failure_module is not None:
            data["failure_module"] = self.failure_module.to_dict()
        if self.tag != DEFAULT_TAG:
            data["tag"] = self.tag
        return data

    def value_dict(self) -> dict[str, Any]:
        """What the `value` column stores (the rest lives in its own columns)."""
        data = self.to_dict()
        for column in ("summary", "description", "schema"):
            data.pop(column, None)
        return data

    def placed(self) -> Iterator[Placed]:
        """Every module, depth first in run order, with its path and visible results."""
        yield from _place(self.modules, "modules", frozenset(), False)
        if self.failure_module is not None:
            every = frozenset(p.module.id for p in _place(self.modules, "modules", frozenset(), False))
            yield Placed(self.failure_module, "failure_module", every, False, failure=True)

    @cached_property
    def by_id(self) -> dict[str, Placed]:
        """Each module id → where it is placed (ids are unique in a valid flow)."""
        return {placed.module.id: placed for placed in self.placed()}

    def find(self, step_id: str) -> FlowModule:
        """The module with this id, anywhere in the flow (KeyError if none)."""
        return self.by_id[step_id].module


def _place(modules: list[FlowModule], path: str, visible: frozenset[str],
           in_loop: bool) -> Iterator[Placed]:
    from flows.modules import module_type
    seen = visible
    for index, module in enumerate(modules):
        here = f"{path}[{index}]"
        yield Placed(module, here, seen, in_loop)
        kind = module_type(module.value.type)
        for sub_path, sub_modules in kind.sequences(module.value):
            yield from _place(sub_modules, f"{here}.value.{sub_path}", seen,
                              in_loop or kind.is_loop)
        seen = seen | {module.id}
