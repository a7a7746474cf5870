"""The job executor for code steps: the worker's JobExecutor with the step's code.

A `rawscript` step's code is inline in its flow version; a `script` step runs a stored
script version. Either way the claim, sandbox run and storage are the executor's own, so a
step is claimed atomically and never runs twice.
"""
from __future__ import annotations

from app.models import Job, Script
from app.services import state
from flows.definition import FlowModule
from flows.modules import module_type
from flows.scope import load_scope
from worker.executor import JobExecutor


class StepExecutor(JobExecutor):
    def __init__(self, *args, module: FlowModule | None = None, root: Job | None = None) -> None:  # noqa: ANN002
        """`module` and `root` (the flow job): when the caller has them (saves reading them again)."""
        super().__init__(*args)
        self.module, self.root = module, root

    def _state_key(self, session, job: Job) -> str:  # noqa: ANN001
        """A step of a scheduled flow run shares its schedule's state; otherwise its script's."""
        root = self.root if self.root is not None and self.root.id == job.flow_job_id else \
            session.get(Job, job.flow_job_id)
        return state.key_of(root.trigger_kind, root.trigger_label, job.script_path)

    def _script_of(self, session, job: Job) -> Script:  # noqa: ANN001
        module = self.module
        if module is None or module.id != job.step_id:
            module = load_scope(self.db, job.parent_job_id).definition.find(job.step_id)
        return module_type(module.value.type).script_for(session, job, module)
