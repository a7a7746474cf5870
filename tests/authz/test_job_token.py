"""A job acts with its triggerer's rights through a job-scoped token, which dies with the job."""
import pytest
from sqlalchemy import select

from app.models import ApiToken, Role, TokenScope
from tests.e2e.helpers import run, save_script, wait_for
from tests.processes import NETWORKED_QUEUE

pytestmark = pytest.mark.e2e

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

    with db.session() as session:
        job_tokens = list(session.scalars(select(ApiToken).where(ApiToken.scope == TokenScope.JOB)))
    assert len(job_tokens) == 3
    assert all(t.revoked_at is not None and t.workspace_id == "main" for t in job_tokens)
    assert {t.job_id for t in job_tokens} == {own["id"], hidden["id"], as_admin["id"]}
