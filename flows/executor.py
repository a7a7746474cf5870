"""The job executor for code steps: the worker's JobExecutor with the step's code.

A `rawscript` step's code is inline in its flow version; a `script` step runs a stored
script version. Either way the claim, sandbox run and storage are the executor's own, so a
step is claimed atomically and never runs twice.
"""
from __future__ import annotations

from app.models import Job, Script
from flows.modules import module_type
from flows.scope import load_scope
from worker.executor import JobExecutor


class StepExecutor(JobExecutor):
    def _script_of(self, session, job: Job) -> Script:  # noqa: ANN001
        scope = load_scope(self.db, job.parent_job_id)
        module = scope.definition.find(job.step_id)
        return module_type(module.value.type).script_for(session, job, module)
