"""`identity`: passes `previous_result` on unchanged (a placeholder, or a join point)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, post_load

from app.models import Job, JobStatus
from flows.modules.base import ModuleType

if TYPE_CHECKING:
    from flows.steps import StepRun


@dataclass
class IdentityValue:
    type: str = "identity"


class IdentitySchema(Schema):
    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> IdentityValue:
        return IdentityValue()


class Identity(ModuleType):
    type = "identity"
    value_schema = IdentitySchema

    def to_dict(self, value: IdentityValue) -> dict[str, Any]:
        return {}

    def start(self, step: StepRun) -> Job:
        return step.finished_row(JobStatus.SUCCESS, result=step.previous_result())
