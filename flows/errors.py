"""Flow errors, on the product's one error tree (app.errors)."""
from __future__ import annotations

from typing import Any

from app.errors import TaskmillError, ValidationFailed


class FlowInvalid(ValidationFailed):
    """A flow definition fails validation; `details` lists each problem with its JSON path,
    the module it is in and, when the definition came as text, its line and column."""


class ExpressionError(TaskmillError):
    """An expression failed while a step ran (unknown name, missing result, type error)."""

    code = "expression_error"


class StepError(TaskmillError):
    """A step cannot run (its iterator is not a list, its script may not be run, ...).

    Raised inside step tasks and recorded as the step's error; the flow then fails.
    """

    code = "step_error"

    def __init__(self, message: str, kind: str = "step", details: Any = None) -> None:
        super().__init__(message, details)
        self.kind = kind
