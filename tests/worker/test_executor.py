"""The job executor in-process, over every backend and language: claim, run, store — once."""
from __future__ import annotations

import pytest

from sqlalchemy import select

from app.authz import load_actor
from app.models import Job, JobStatus, User
from app.services import scripts
from app.services.jobs import Trigger, create_job
from app.services.scripts import ScriptDraft
from worker.context import WorkerContext
from worker.celery_app import make_celery
from worker.executor import JobExecutor
from worker.sandbox import BACKENDS
from tests.worker.conftest import require_docker

CODE = {
    "python": 'def main(who: str, n: int = 2):\n    print("hello", who)\n    return [who] * n\n',
    "bash": 'who="$1"\nn="${2:-2}"\necho "hello $who" >&2\necho "[\\"$who\\", \\"$n\\"]"\n',
}
RESULT = {"python": ["ada", "ada"], "bash": ["ada", "2"]}


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def executor(request, settings, factory) -> JobExecutor:
    if request.param == "docker":
        require_docker(settings)
    factory.workspace("main")
    factory.user("alice")
    context = WorkerContext(settings, make_celery(settings))
    return JobExecutor(settings, context.db, context.events, BACKENDS[request.param](settings))


def queued_job(db, language: str, code: str | None = None) -> str:
    with db.session() as session:
        alice = load_actor(session, "main", session.scalars(select(User).filter_by(username="alice")).one())
        script = scripts.create(session, alice, f"u/alice/{language}",
                                ScriptDraft(language=language, content=code or CODE[language]))
        return create_job(session, script, {"who": "ada"}, Trigger("api", alice)).id


def load(db, job_id: str) -> Job:
    with db.session() as session:
        return session.get(Job, job_id)


@pytest.mark.parametrize("language", ["python", "bash"])
def test_executor_stores_result_logs_and_runner(executor, db, language):
    job_id = queued_job(db, language)
    executor.execute(job_id)
    job = load(db, job_id)
    assert job.status == JobStatus.SUCCESS and job.result == RESULT[language]
    assert "hello ada" in job.logs
    assert job.runner == executor.backend.name and job.duration_ms is not None


@pytest.mark.parametrize("language", ["python", "bash"])
def test_executor_never_runs_a_finished_job_again(executor, db, language):
    job_id = queued_job(db, language)
    executor.execute(job_id)
    first = load(db, job_id)
    executor.execute(job_id)  # a redelivered message
    again = load(db, job_id)
    assert again.logs == first.logs and again.finished_at == first.finished_at


def test_executor_ignores_a_job_canceled_while_queued(executor, db):
    job_id = queued_job(db, "python")
    with db.session() as session:
        session.get(Job, job_id).status = JobStatus.CANCELED
    executor.execute(job_id)
    job = load(db, job_id)
    assert job.status == JobStatus.CANCELED and job.started_at is None


def test_executor_caps_logs(executor, db, settings):
    code = 'def main(who: str):\n    for _ in range(5000):\n        print("y" * 999)\n    return who\n'
    executor.settings = settings.replace(max_log_bytes=100_000)
    job_id = queued_job(db, "python", code)
    executor.execute(job_id)
    job = load(db, job_id)
    assert job.status == JobStatus.SUCCESS and job.logs_truncated
    assert 100_000 <= len(job.logs.encode()) < 101_000


@pytest.mark.parametrize("isolation", ["container", "warm"])
def test_executor_records_how_the_job_was_isolated(executor, db, isolation):
    with db.session() as session:
        alice = load_actor(session, "main", session.scalars(select(User).filter_by(username="alice")).one())
        script = scripts.create(session, alice, "u/alice/iso", ScriptDraft(
            language="python", content="def main(who: str):\n    return who\n", isolation=isolation))
        job_id = create_job(session, script, {"who": "x"}, Trigger("api", alice)).id
    executor.execute(job_id)
    job = load(db, job_id)
    expected = "process" if executor.backend.name == "local" else isolation
    assert job.status == JobStatus.SUCCESS and job.isolation == expected
    if hasattr(executor.backend, "warm"):
        executor.backend.warm.stop()
