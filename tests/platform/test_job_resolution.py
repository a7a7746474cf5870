"""The executor resolves `$var:` / `$res:` arguments with the runner's rights just before a
run, masks the secrets it resolved, and fails a job whose references it cannot resolve.

In-process with the local backend (fast); test_data_services_e2e.py does the same through a
real worker and containers.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.crypto import secret_box
from app.events import JobEvents, redis_client
from app.models import ApiToken, Job, JobStatus, Level, Member, Role, TargetKind
from app.services import resource_types, resources, scripts, variables
from app.services.jobs import Trigger, create_job
from app.services.resource_types import TypeDraft
from app.services.resources import ResourceDraft
from app.services.variables import VariableDraft
from worker.executor import JobExecutor
from tests.platform.conftest import grant
from worker.sandbox import BACKENDS

ECHO = 'def main(token: str):\n    print("got", token)\n    return len(token)\n'


@pytest.fixture()
def executor(settings, db, factory) -> JobExecutor:
    factory.workspace("main")
    factory.user("root", role=Role.ADMIN)
    factory.user("alice")
    factory.user("olga", role=Role.OPERATOR)
    return JobExecutor(settings, db, JobEvents(redis_client(settings.redis_url)), BACKENDS["local"](settings))


def variable(factory, author: str, path: str, value: str, secret: bool = True) -> None:
    with factory.db.session() as session:
        variables.create(session, factory.actor(session, author), secret_box(factory.settings), path,
                         VariableDraft(value=value, is_secret=secret))


def queue(factory, path: str, args: dict, runner: str) -> str:
    """A queued job of the script at `path`, started by `runner` (not enqueued: no worker races)."""
    with factory.db.session() as session:
        actor = factory.actor(session, runner)
        return create_job(session, scripts.latest(session, actor, path), args, Trigger("api", actor)).id


def run(executor, factory, path: str, code: str, args: dict, runner: str = "alice") -> Job:
    """Save `code` at `path` (as its owner, or root) and execute one job of it as `runner`."""
    factory.script(path, code, author=path.split("/")[1] if path.startswith("u/") else "root")
    job_id = queue(factory, path, args, runner)
    executor.execute(job_id)
    with factory.db.session() as session:
        return session.get(Job, job_id)


def test_a_secret_argument_arrives_decrypted_and_is_masked_in_the_logs(executor, factory):
    variable(factory, "alice", "u/alice/api_key", "tok-5ecret")
    job = run(executor, factory, "u/alice/echo", ECHO, {"token": "$var:u/alice/api_key"})
    assert job.status == JobStatus.SUCCESS and job.result == len("tok-5ecret")
    assert "got *****" in job.logs and "tok-5ecret" not in job.logs
    assert job.args == {"token": "$var:u/alice/api_key"}  # stored as asked, never resolved


def test_a_secret_in_an_error_message_and_traceback_is_masked(executor, factory):
    variable(factory, "alice", "u/alice/api_key", "tok-5ecret")
    code = 'def main(token: str):\n    raise ValueError("bad " + token)\n'
    job = run(executor, factory, "u/alice/boom", code, {"token": "$var:u/alice/api_key"})
    assert job.status == JobStatus.FAILURE and "tok-5ecret" not in str(job.error)
    assert "bad *****" in job.error["message"] + (job.error["traceback"] or "")


def test_references_are_resolved_at_any_depth(executor, factory):
    variable(factory, "alice", "u/alice/a", "A", secret=False)
    variable(factory, "alice", "u/alice/b", "B")
    code = 'def main(cfg: dict):\n    return cfg\n'
    job = run(executor, factory, "u/alice/deep", code,
              {"cfg": {"x": ["$var:u/alice/a", {"y": "$var:u/alice/b"}], "z": "plain $var:u/alice/a"}})
    # Resolved secrets are masked in the result too; a non-secret one would pass through.
    assert job.result == {"x": ["A", {"y": "*****"}], "z": "plain $var:u/alice/a"}


def test_a_reference_the_runner_may_not_read_fails_the_job_before_it_runs(executor, factory):
    variable(factory, "root", "f/admins/root_password", "r00t!")
    job = run(executor, factory, "u/alice/echo", ECHO, {"token": "$var:f/admins/root_password"})
    assert job.status == JobStatus.FAILURE and job.error["kind"] == "resolution"
    assert "$var:f/admins/root_password" in job.error["message"] and job.logs == ""
    with factory.db.session() as session:  # it never got as far as a job token
        assert session.scalars(select(ApiToken).where(ApiToken.job_id == job.id)).all() == []


def test_a_missing_variable_fails_the_job_the_same_way(executor, factory):
    job = run(executor, factory, "u/alice/echo", ECHO, {"token": "$var:u/alice/nothing"})
    assert job.error["kind"] == "resolution" and "u/alice/nothing" in job.error["message"]


def test_an_operator_runs_with_plain_variables_but_never_with_secrets(executor, factory):
    variable(factory, "root", "f/ops/plain", "visible", secret=False)
    variable(factory, "root", "f/ops/hidden", "invisible")
    grant(factory, TargetKind.FOLDER, "ops", "olga", Level.READ)
    ok = run(executor, factory, "f/ops/echo", ECHO, {"token": "$var:f/ops/plain"}, runner="olga")
    assert ok.status == JobStatus.SUCCESS
    refused = run(executor, factory, "f/ops/echo2", ECHO, {"token": "$var:f/ops/hidden"}, runner="olga")
    assert refused.error["kind"] == "resolution"


def test_a_resource_arrives_with_its_variables_resolved_and_secrets_masked(executor, factory):
    variable(factory, "alice", "u/alice/pw", "pg-5ecret")
    with factory.db.session() as session:
        alice = factory.actor(session, "alice")
        resource_types.create(session, alice, "pg", TypeDraft(schema={"type": "object"}))
        resources.create(session, alice, "u/alice/db", ResourceDraft(
            resource_type="pg", value={"host": "db", "password": "$var:u/alice/pw"}))
    code = 'def main(db: dict):\n    print(db["password"])\n    return db\n'
    job = run(executor, factory, "u/alice/connect", code, {"db": "$res:u/alice/db"})
    assert job.result == {"host": "db", "password": "*****"}  # resolved, and masked
    assert "pg-5ecret" not in job.logs and "*****" in job.logs


def test_resolved_arguments_are_validated_against_the_script(executor, factory):
    variable(factory, "alice", "u/alice/n", "not a number", secret=False)
    job = run(executor, factory, "u/alice/count", 'def main(n: int):\n    return n\n', {"n": "$var:u/alice/n"})
    assert job.error["kind"] == "resolution" and "n" in job.error["message"]


def test_a_runner_who_left_the_workspace_resolves_nothing(executor, factory):
    variable(factory, "alice", "u/alice/api_key", "tok")
    factory.script("u/alice/echo", ECHO)
    job_id = queue(factory, "u/alice/echo", {"token": "$var:u/alice/api_key"}, "alice")
    with factory.db.session() as session:
        session.query(Member).filter(Member.user_id == factory.actor(session, "alice").user.id).delete()
    executor.execute(job_id)
    with factory.db.session() as session:
        assert "not a member" in session.get(Job, job_id).error["message"]


def test_the_job_knows_its_state_key(executor, factory):
    code = 'import os\ndef main():\n    return os.environ["TASKMILL_STATE_KEY"]\n'
    assert run(executor, factory, "u/alice/stateful", code, {}).result == "script/u/alice/stateful"
