"""The job executor: claim → load → resolve references → run in the sandbox → store.
One object per job run.

Idempotent by construction: the claim is an atomic `queued → running` transition, so a
redelivered or duplicated message for a job that is already running or finished does
nothing. No database transaction is held while user code runs.

The claim and the final update are Core statements, each a transaction of its own
(Database.statement): they run once per job on every job's path, where the ORM's unit of
work, or a transaction block around one statement, costs more than the round trip.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from functools import cache

from sqlalchemy import Connection, CursorResult, Row, Update, bindparam, update

from app.crypto import secret_box
from app.db import Database
from app.errors import TaskmillError
from app.events import JobEvents
from app.introspection import run_args
from app.models import Job, JobStatus, Script, utcnow
from app.services import resolve, schedules, state, tokens
from app.services.secret_reads import LearnedSecrets, SecretReads
from config import Settings
from worker.deps import DependencyError, Needs, installer_for, needs_of
from worker.heartbeat import Heartbeat
from worker.logsink import LogSink
from worker.redaction import Redactor, redacted_logging
from worker.sandbox.base import FailureKind, Limits, RunOutcome, RunSpec, SandboxBackend
from worker.script_versions import ScriptVersions

log = logging.getLogger(__name__)

RESOLUTION_FAILURE = "resolution"
"""Error kind of a job that never ran: a `$var:`/`$res:` its runner may not read, or none such."""
JOBS = Job.__table__

_script_versions = ScriptVersions()
"""This process's copies of the script versions its jobs ran (a version never changes)."""


class JobExecutor:
    def __init__(self, settings: Settings, db: Database, events: JobEvents,
                 backend: SandboxBackend) -> None:
        self.settings, self.db, self.events, self.backend = settings, db, events, backend
        self.needs: Needs | None = None  # what the job's code needs prepared; set by _prepare
        self.finished: dict[str, Any] | None = None
        """The columns this executor stored when it settled the job (None: it did not)."""

    def execute(self, job_id: str, claimed: Job | None = None) -> bool:
        """Run the job if it is still queued; otherwise return without touching it. `claimed`:
        the row, which the caller made `running` itself (a flow step inserts its row so).
        Returns whether this call ran the job."""
        job = claimed if claimed is not None else self._claim(job_id)
        if job is None:
            log.info("job %s is not queued any more; message ignored", job_id)
            return False
        started = time.monotonic()
        try:
            spec, redactor = self._prepare(job)
        except TaskmillError as exc:  # nothing runs with a reference left unresolved
            self._finish(job_id, _unresolved(exc), int((time.monotonic() - started) * 1000))
            self._publish_end(job_id)
            return True
        sink, cancel = LogSink(self.settings.max_log_bytes, redactor), threading.Event()
        with redacted_logging(redactor), Heartbeat(self.db, self.events, job_id, sink, cancel,
                                                   self.settings.heartbeat_s):
            outcome = self._run(spec, sink, cancel)
            sink.finish()
        self._store(job_id, outcome, int((time.monotonic() - started) * 1000), redactor)
        self._publish_end(job_id)
        return True

    def _publish_end(self, job_id: str) -> None:
        """The status stored, or, when the sweeper settled the job first, just "changed"."""
        if self.finished is not None:
            self.events.publish(job_id, self.finished["status"].value)
        else:
            self.events.publish(job_id)

    def claim_values(self) -> dict[str, Any]:
        """The columns of a job this executor claims (also what a flow step is inserted with)."""
        now = utcnow()
        return dict(status=JobStatus.RUNNING, started_at=now, last_ping_at=now,
                    worker=socket.gethostname(), runner=self.backend.name)

    def _claim(self, job_id: str) -> Row | None:
        """The atomic `queued → running` step: the claimed row (its columns named as a Job's
        attributes), or None when the job is not queued (any more)."""
        with self.db.statement() as connection:
            return _transition(connection, job_id, JobStatus.QUEUED, self.claim_values(),
                               tuple(JOBS.c.keys())).one_or_none()

    def _prepare(self, job: Job | Row) -> tuple[RunSpec, Redactor]:
        """The run of a claimed job, its references resolved with its runner's rights, and a
        redactor for the secrets among them."""
        job_id = job.id
        with self.db.session() as session:
            script = self._script_of(session, job)
            self.needs = needs_of(script)
            args, secrets = resolve.job_args(session, job, script.schema,
                                             lambda: secret_box(self.settings))
            limits = self._limits(script)
            env = {**self._job_env(job),
                   "TASKMILL_STATE_KEY": self._state_key(session, job)}
            learned = LearnedSecrets(SecretReads(self.events.client), self.db,  # fetched via the SDK
                                     lambda: secret_box(self.settings), job_id, job.workspace_id)
            return RunSpec(job_id=job_id, language=script.language, code=script.content,
                           args=run_args(script.language, script.schema, args),
                           limits=limits, env=env, isolation=self._isolation(script),
                           domain=f"{job.workspace_id}:{job.run_as_user_id}"), Redactor(secrets, learn=learned)

    def _state_key(self, session, job: Job) -> str:  # noqa: ANN001
        """The state the SDK reads and writes by default: the schedule's, else the script's."""
        return state.key_of(job.trigger_kind, job.trigger_label, job.script_path)

    def _isolation(self, script: Script) -> str:
        """The script's own choice, else this worker group's default."""
        return getattr(script, "isolation", "") or self.settings.isolation

    def _script_of(self, session, job: Job | Row) -> Script:  # noqa: ANN001
        """The script version the job runs; a hook for flow steps, whose code may be inline."""
        return _script_versions.get(session, job.workspace_id, job.script_hash)

    def _job_env(self, job: Job) -> dict[str, str]:
        """What the SDK inside the job needs: where the API is, and a token with the rights of
        the job's runner, limited to its workspace and valid only while this attempt runs."""
        env = {"TASKMILL_BASE_URL": self.settings.api_base_url, "TASKMILL_WORKSPACE": job.workspace_id,
               "TASKMILL_JOB_ID": job.id}
        if job.run_as_user_id is not None:  # valid while the job runs (see tokens.job_secret)
            key = self.settings.resolved_secret_key()
            env["TASKMILL_TOKEN"] = tokens.job_secret(key, job.id, job.attempt)
        return env

    def _limits(self, script: Script) -> Limits:
        s = self.settings
        return Limits(timeout_s=script.timeout_s or s.job_timeout_s, memory_mb=s.job_memory_mb,
                      cpus=s.job_cpus, pids=s.job_pids, network=s.job_network,
                      tmpfs_mb=s.job_tmpfs_mb)

    def _run(self, spec: RunSpec, sink: LogSink, cancel: threading.Event) -> RunOutcome:
        try:
            if self.needs is not None:  # after the session, under the heartbeat: installs take long
                spec = installer_for(self.backend, self.settings, self.db).prepare(
                    self.needs, spec, sink.write, cancel)
            return self.backend.run(spec, sink.write, cancel)
        except DependencyError as exc:  # resolving, installing or building failed: nothing ran
            return exc.outcome()
        except Exception as exc:  # the backend promises not to raise; record it if it does
            log.exception("sandbox backend crashed on job %s", spec.job_id)
            return RunOutcome.failed(FailureKind.SANDBOX, f"sandbox error: {exc}")

    def _store(self, job_id: str, outcome: RunOutcome, duration_ms: int, redactor: Redactor) -> None:
        # `redactor` knows every secret the job fetched: the log sink's last drain, after the
        # program ended, asked for them.
        if outcome.success:
            values: dict[str, Any] = {"status": JobStatus.SUCCESS,
                                      "result": _redacted(outcome.result, redactor)}
        else:
            canceled = outcome.failure == FailureKind.CANCELED
            values = {"status": JobStatus.CANCELED if canceled else JobStatus.FAILURE,
                      "error": _error_of(outcome, redactor)}
        values["isolation"] = outcome.isolation
        self._finish(job_id, values, duration_ms)

    def _finish(self, job_id: str, values: dict[str, Any], duration_ms: int) -> None:
        values.update(finished_at=utcnow(), duration_ms=duration_ms)
        with self.db.statement() as connection:
            # Only a job we still own: the sweeper may have failed it meanwhile.
            trigger = _transition(connection, job_id, JobStatus.RUNNING, values, ("trigger_kind",)).scalar()
            self.finished = values if trigger is not None else None
        if trigger == schedules.TRIGGER_KIND:  # after the commit; other jobs skip the round trip
            with self.db.session() as session:
                schedules.on_job_finished(session.get(Job, job_id))


def _transition(connection: Connection, job_id: str, current: JobStatus, values: dict[str, Any],
                returning: tuple[str, ...]) -> CursorResult:
    """Set `values` on the job if its status is `current`; the result has the `returning`
    columns of the row it changed, if any."""
    statement = _transition_statement(current, tuple(values), returning)
    return connection.execute(statement, {"job_id": job_id, **{f"new_{k}": v for k, v in values.items()}})


@cache
def _transition_statement(current: JobStatus, columns: tuple[str, ...], returning: tuple[str, ...]) -> Update:
    # Built once per shape: building a statement and its cache key costs more than its round trip.
    return (update(JOBS).where(JOBS.c.id == bindparam("job_id"), JOBS.c.status == current)
            .values({name: bindparam(f"new_{name}") for name in columns})
            .returning(*(JOBS.c[name] for name in returning)))


def _error_of(outcome: RunOutcome, redactor: Redactor) -> dict[str, Any]:
    return {"kind": outcome.failure.value if outcome.failure else "unknown",
            "message": redactor.redact(outcome.message or ""),
            "traceback": redactor.redact(outcome.traceback) if outcome.traceback else None,
            "exit_code": outcome.exit_code}


def _unresolved(error: TaskmillError) -> dict[str, Any]:
    return {"status": JobStatus.FAILURE, "error": {"kind": RESOLUTION_FAILURE, "message": error.message,
                                                   "traceback": None, "exit_code": None}}


def _redacted(value: Any, redactor: Redactor) -> Any:
    """The result with every resolved secret masked in its strings (keys included)."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, list):
        return [_redacted(item, redactor) for item in value]
    if isinstance(value, dict):
        return {_redacted(k, redactor): _redacted(v, redactor) for k, v in value.items()}
    return value
