"""The job executor for code steps: the worker's JobExecutor with the step's code.

A `rawscript` step's code is inline in its flow version; a `script` step runs a stored
script version. Either way the claim, sandbox run and storage are the executor's own, so a
step is claimed atomically and never runs twice.
"""
from __future__ import annotations

from app.models import Job, Script
from flows.definition import FlowModule
from flows.modules import module_type
from flows.scope import load_scope
from worker.executor import JobExecutor


class StepExecutor(JobExecutor):
    def __init__(self, *args, module: FlowModule | None = None) -> None:  # noqa: ANN002
        """`module`: the step's module when the caller has it (saves loading the scope again)."""
        super().__init__(*args)
        self.module = module

    def _script_of(self, session, job: Job) -> Script:  # noqa: ANN001
        module = self.module
        if module is None or module.id != job.step_id:
            module = load_scope(self.db, job.parent_job_id).definition.find(job.step_id)
        return module_type(module.value.type).script_for(session, job, module)
