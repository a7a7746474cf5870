"""What every flow module type provides: its definition schema and its run-time behaviour.

A module type is one small class: the marshmallow schema of its `value`, how it writes
back to a dict, the nested module lists it holds (loops, branches), and what a step task
does to run it (`start` a new row, `resume` a live one, settle a `failed` one).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from marshmallow import Schema

from app.models import Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models import Script
    from flows.definition import FlowModule, ModuleValue
    from flows.scope import Scope
    from flows.steps import StepRun


class ModuleType(ABC):
    type: ClassVar[str]
    value_schema: ClassVar[type[Schema]]
    runs_code: ClassVar[bool] = False
    """Runs user code in the sandbox (retries and timeouts apply to these only)."""
    takes_inputs: ClassVar[bool] = False
    """Reads `input_transforms` (the others ignore them)."""
    is_loop: ClassVar[bool] = False

    @abstractmethod
    def to_dict(self, value: ModuleValue) -> dict[str, Any]:
        """The value's fields (without `type`), leaving defaults out."""

    def sequences(self, value: ModuleValue) -> list[tuple[str, list[FlowModule]]]:
        """Nested module lists, with their paths relative to `value`."""
        return []

    def expressions(self, value: ModuleValue) -> list[tuple[str, str]]:
        """Expressions in the value, with their paths relative to `value`."""
        return []

    def problems(self, value: ModuleValue) -> list[tuple[str, str]]:
        """Type-specific problems (path relative to `value`, message) found at save."""
        return []

    def scope_modules(self, value: ModuleValue, args: dict[str, Any]) -> list[FlowModule]:
        """For containers: the modules of the iteration or branch described by `args`."""
        raise TypeError(f"{self.type} modules have no inner scopes")

    @abstractmethod
    def start(self, step: StepRun) -> Job:
        """Create this step's row and run it (or hand over to a sub-canvas)."""

    def resume(self, step: StepRun, row: Job) -> Job:
        """Carry on with a row that exists but is not finished (a redelivered task)."""
        return row

    def failed(self, step: StepRun, row: Job) -> None:
        """The row failed: fail what encloses it (passing a failure up twice is harmless)."""
        step.pass_up(row)

    def tolerates(self, value: ModuleValue, args: dict[str, Any]) -> bool:
        """For containers: whether a failed iteration or branch (`args`) leaves it running."""
        return False

    def collect(self, session: Session, scope: Scope, row: Job) -> Any:
        """For containers: the result once every iteration or branch has run."""
        raise TypeError(f"{self.type} modules collect nothing")

    def script_for(self, session: Session, job: Job, module: FlowModule) -> Script:
        """For code modules: the script version a step job runs."""
        raise TypeError(f"{self.type} modules run no code")
