"""A job acts with its triggerer's rights through a job-scoped token, which dies with the job."""
import pytest
from sqlalchemy import select, update

from app.models import ApiToken, Job, JobStatus, Role, TokenScope
from app.services import jobs, tokens
from tests.e2e.helpers import run, save_script, wait_for
from tests.processes import NETWORKED_QUEUE

PROBE = '''import json, os, urllib.error, urllib.request


def main(path: str):
    url = f"{os.environ['TASKMILL_BASE_URL']}/api/w/{os.environ['TASKMILL_WORKSPACE']}/scripts/p/{path}"
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + os.environ["TASKMILL_TOKEN"]})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
'''


@pytest.mark.e2e
def test_a_job_can_do_what_its_triggerer_can_and_no_more(client, factory, db, networked_worker):
    factory.workspace("main")
    admin = factory.user("root", role=Role.ADMIN)
    alice = factory.user("alice")
    admin_auth = {"Authorization": f"Bearer {factory.token(admin)}"}
    alice_auth = {"Authorization": f"Bearer {factory.token(alice)}"}
    save_script(client, admin_auth, "u/root/secret", "bash", "echo classified\n")
    save_script(client, alice_auth, "u/alice/probe", "python", PROBE, tag=NETWORKED_QUEUE)

    # The same code, run by alice: her own script is readable, the admin's is not even visible.
    own = wait_for(client, alice_auth, run(client, alice_auth, "u/alice/probe", {"path": "u/alice/probe"}))
    assert own["status"] == "success" and own["result"] == 200, own
    hidden = wait_for(client, alice_auth, run(client, alice_auth, "u/alice/probe", {"path": "u/root/secret"}))
    assert hidden["result"] == 404, "the worker could read it, but alice's job must not"

    # Run by the admin (who may run anyone's script), the job has the admin's rights.
    as_admin = wait_for(client, admin_auth, run(client, admin_auth, "u/alice/probe", {"path": "u/root/secret"}))
    assert as_admin["result"] == 200

    with db.session() as session:  # job tokens are signed, not stored
        stored = session.scalars(select(ApiToken).where(ApiToken.scope == TokenScope.JOB)).first()
    assert stored is None


def _running_job(db, factory) -> tuple[str, str]:
    """(job id, path of the script it runs), a job of alice's that is `running`."""
    factory.workspace("main")
    factory.user("alice")
    script = factory.script("u/alice/mine", "def main():\n    return 1\n", tag="unserved")
    with db.session() as session:
        trigger = jobs.Trigger(kind="api", actor=factory.actor(session))
        job = jobs.create_job(session, script, {}, trigger)
        job.status = JobStatus.RUNNING
        session.flush()
        return job.id, script.path


def _reads(client, token: str, path: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return client.get(f"/api/w/main/scripts/p/{path}", headers=headers).status_code


def test_a_job_token_is_valid_only_while_its_attempt_runs(client, db, factory, settings):
    job_id, path = _running_job(db, factory)
    key = settings.resolved_secret_key()
    token = tokens.job_secret(key, job_id, 1)
    assert _reads(client, token, path) == 200
    assert _reads(client, tokens.job_secret(key, job_id, 2), path) == 401  # another attempt's
    assert _reads(client, tokens.job_secret("another key", job_id, 1), path) == 401  # forged
    assert _reads(client, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), path) == 401
    with db.session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(status=JobStatus.SUCCESS))
    assert _reads(client, token, path) == 401  # the job ended: so did its token


def test_a_re_queued_job_gets_a_new_token(client, db, factory, settings):
    job_id, path = _running_job(db, factory)
    key = settings.resolved_secret_key()
    with db.session() as session:  # what the sweeper does to a job whose worker was lost
        session.execute(update(Job).where(Job.id == job_id).values(attempt=Job.attempt + 1))
    assert _reads(client, tokens.job_secret(key, job_id, 1), path) == 401
    assert _reads(client, tokens.job_secret(key, job_id, 2), path) == 200
