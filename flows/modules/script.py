"""`script`: a stored script by path (its latest version) or pinned to a version `hash`.

The step runs with the rights of the flow's runner, who must be allowed to run the script.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load

from app.authz import Action, load_actor
from app.errors import Forbidden, NotFound
from app.models import Job, Script, User
from app.services import scripts
from flows.errors import StepError
from flows.modules.code import CodeModule, CodeTarget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flows.definition import FlowModule
    from flows.steps import StepRun


@dataclass
class ScriptValue:
    path: str
    hash: str | None = None
    type: str = "script"


class ScriptValueSchema(Schema):
    path = fields.String(required=True)
    hash = fields.String(load_default=None)

    @post_load
    def _build(self, data: dict, **_kwargs: Any) -> ScriptValue:
        return ScriptValue(**data)


def runner_actor(session: Session, job: Job):  # noqa: ANN201
    """The flow's runner, as an Actor in the flow's workspace."""
    user = session.get(User, job.run_as_user_id) if job.run_as_user_id else None
    if user is None:
        raise StepError("the flow's runner no longer exists", "forbidden")
    return load_actor(session, job.workspace_id, user)


class ScriptModule(CodeModule):
    type = "script"
    value_schema = ScriptValueSchema

    def to_dict(self, value: ScriptValue) -> dict[str, Any]:
        return {"path": value.path, **({"hash": value.hash} if value.hash else {})}

    def target(self, step: StepRun) -> CodeTarget:
        value: ScriptValue = step.module.value
        with step.db.session() as session:
            actor = runner_actor(session, step.scope.root)
            try:
                script = (scripts.by_hash(session, actor, value.hash, Action.RUN) if value.hash
                          else scripts.latest(session, actor, value.path, Action.RUN))
            except (Forbidden, NotFound):
                raise StepError(f"{actor.name} may not run script {value.path!r}, or it does not "
                                "exist (a flow's steps run with its runner's rights)", "forbidden") from None
            if script.path != value.path:
                raise StepError(f"version {value.hash!r} is not a version of {value.path!r}", "not_found")
            return CodeTarget(script_path=script.path, script_hash=script.hash, language=script.language,
                              queue=script.tag, schema=dict(script.schema))

    def script_for(self, session: Session, job: Job, module: FlowModule) -> Script:
        stored = session.query(Script).filter_by(workspace_id=job.workspace_id, hash=job.script_hash).one()
        if module.timeout is None:
            return stored
        # A transient copy, so the step's own timeout applies without touching the version.
        return Script(workspace_id=stored.workspace_id, path=stored.path, hash=stored.hash,
                      language=stored.language, content=stored.content, schema=stored.schema,
                      timeout_s=module.timeout, tag=stored.tag)
