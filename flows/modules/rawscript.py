"""`rawscript`: code written inline in the flow, in any supported language."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load, validate

from app.errors import TaskmillError
from app.introspection import parse_parameters
from app.models import Job, Script
from flows.modules.code import CodeModule, CodeTarget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flows.definition import FlowModule
    from flows.steps import StepRun


@dataclass
class RawScriptValue:
    content: str
    language: str
    tag: str | None = None
    """Worker group of this step; the flow's own tag by default."""
    type: str = "rawscript"


class RawScriptSchema(Schema):
    content = fields.String(required=True)
    language = fields.String(required=True)
    tag = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z0-9_-]{1,64}$"))

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> RawScriptValue:
        return RawScriptValue(**data)


@lru_cache(maxsize=1024)
def _schema(language: str, content: str) -> dict[str, Any]:
    return parse_parameters(language, content)


def argument_schema(value: RawScriptValue) -> dict[str, Any]:
    return dict(_schema(value.language, value.content))


class RawScript(CodeModule):
    type = "rawscript"
    value_schema = RawScriptSchema

    def to_dict(self, value: RawScriptValue) -> dict[str, Any]:
        data = {"language": value.language, "content": value.content}
        return {**data, "tag": value.tag} if value.tag else data

    def problems(self, value: RawScriptValue) -> list[tuple[str, str]]:
        try:
            argument_schema(value)
        except TaskmillError as exc:
            field = "language" if exc.code == "validation_error" else "content"
            return [(field, exc.message)]
        return []

    def target(self, step: StepRun) -> CodeTarget:
        value: RawScriptValue = step.module.value
        flow_row = step.scope.flow_row
        return CodeTarget(script_path=flow_row.script_path, script_hash=flow_row.script_hash,
                          language=value.language, queue=value.tag or flow_row.queue,
                          schema=argument_schema(value))

    def script_for(self, session: Session, job: Job, module: FlowModule) -> Script:
        value: RawScriptValue = module.value
        # A transient row, never added to the session: the code lives in the flow version.
        return Script(workspace_id=job.workspace_id, path=job.script_path, hash=job.script_hash,
                      language=value.language, content=value.content, schema=argument_schema(value),
                      timeout_s=module.timeout, tag=job.queue)
