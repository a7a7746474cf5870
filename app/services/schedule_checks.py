"""What makes a schedule valid: a cron and timezone that parse, one target (a script or a
flow) and an on_failure script that exist and that the schedule's owner may run, and args
that match the target's schema.

Every problem is collected, so one 400 lists them all with their fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.authz import Action, Actor
from app.errors import Forbidden, NotFound, ValidationFailed
from app.models import Flow, ScheduleTargetKind, Script
from app.services import flows, scripts
from app.services.args import validate_args
from app.services.cron import CronSpec

FAILURE_HOOK_SAMPLE = {"job_id": "00000000-0000-0000-0000-000000000000", "schedule": "u/x/y",
                       "error": {"kind": "exception", "message": "example"}}
"""Args an on_failure script is called with; checked against its schema when saving."""


@dataclass
class ScheduleDraft:
    """The editable fields of a schedule."""

    cron: str
    timezone: str
    script_path: str | None = None
    """The target script; exactly one of script_path and flow_path is given."""
    flow_path: str | None = None
    """The target flow."""
    args: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    on_failure_path: str | None = None
    summary: str = ""

    @property
    def target(self) -> tuple[ScheduleTargetKind, str]:
        """The kind and path of the target (a flow when flow_path is given)."""
        if self.flow_path:
            return ScheduleTargetKind.FLOW, self.flow_path
        return ScheduleTargetKind.SCRIPT, self.script_path or ""


def _runnable(session: Session, owner: Actor, path: str, field_name: str) -> Script:
    try:
        return scripts.latest(session, owner, path, Action.RUN)
    except (NotFound, Forbidden):
        raise ValidationFailed(f"no script {path!r} that you may run", [
            {"field": field_name, "message": f"no script {path!r} that you may run"}]) from None


def _runnable_flow(session: Session, owner: Actor, path: str) -> Flow:
    try:
        return flows.latest(session, owner, path, Action.RUN)
    except (NotFound, Forbidden):
        raise ValidationFailed(f"no flow {path!r} that you may run", [
            {"field": "flow_path", "message": f"no flow {path!r} that you may run"}]) from None


def _one_target(draft: ScheduleDraft) -> None:
    if bool(draft.script_path) == bool(draft.flow_path):
        message = "give either script_path or flow_path" if draft.script_path else "a target is required"
        raise ValidationFailed(message, [{"field": "script_path", "message": message},
                                         {"field": "flow_path", "message": message}])


def _target_of(session: Session, owner: Actor, draft: ScheduleDraft) -> Script | Flow:
    _one_target(draft)
    if draft.flow_path:
        return _runnable_flow(session, owner, draft.flow_path)
    return _runnable(session, owner, draft.script_path, "script_path")


def _args_errors(target: Script | Flow, args: Any, prefix: str) -> list[dict[str, str]]:
    try:
        validate_args(target.schema, args)
    except ValidationFailed as error:
        return [{"field": f"{prefix}/{d['field']}".rstrip("/"), "message": d["message"]}
                for d in error.details]
    return []


def _collect(errors: list[dict[str, str]], check, *args: Any) -> Any:  # noqa: ANN001
    try:
        return check(*args)
    except ValidationFailed as error:
        errors.extend(error.details)
        return None


def check_draft(session: Session, owner: Actor, draft: ScheduleDraft) -> CronSpec:
    """Raise one ValidationFailed listing every invalid field; returns the parsed cron."""
    errors: list[dict[str, str]] = []
    spec = _collect(errors, CronSpec.parse, draft.cron, draft.timezone)
    target = _collect(errors, _target_of, session, owner, draft)
    if target is not None:
        errors.extend(_args_errors(target, draft.args, "args"))
    if draft.on_failure_path:
        hook = _collect(errors, _runnable, session, owner, draft.on_failure_path, "on_failure_path")
        if hook is not None and _args_errors(hook, FAILURE_HOOK_SAMPLE, ""):
            errors.append({"field": "on_failure_path", "message": "its parameters must accept "
                           "job_id (str), schedule (str) and error (dict)"})
    if errors:
        names = ", ".join(dict.fromkeys(e["field"].split("/")[0] for e in errors))
        raise ValidationFailed(f"invalid schedule: {names}", errors)
    return spec
