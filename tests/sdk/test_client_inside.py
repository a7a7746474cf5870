"""The SDK inside a job container: no configuration, the job's own token, its runner's rights."""
import pytest

from tests.e2e.helpers import run, wait_for
from tests.processes import NETWORKED_QUEUE

pytestmark = pytest.mark.e2e

CALLER = '''import os
import taskmill


def main(a: int):
    me = taskmill.Client().get_job(os.environ["TASKMILL_JOB_ID"])
    total = taskmill.run_script("u/alice/add", {"a": a}, timeout_s=60)
    try:
        taskmill.run_script("u/root/private")
        reached = "yes"
    except taskmill.NotFound:
        reached = "not found"
    return {"my_status": me["status"], "total": total, "admin_script": reached}
'''


def test_a_job_uses_the_sdk_with_no_configuration(client, factory, networked_worker):
    factory.workspace("main")
    from app.models import Role
    factory.user("root", role=Role.ADMIN)
    alice = factory.user("alice")
    auth = {"Authorization": f"Bearer {factory.token(alice)}"}
    factory.script("u/root/private", "def main():\n    return 'secret'\n", author="root", tag=NETWORKED_QUEUE)
    factory.script("u/alice/add", "def main(a: int):\n    return a + 1\n", tag=NETWORKED_QUEUE)
    factory.script("u/alice/caller", CALLER, tag=NETWORKED_QUEUE)
    state = wait_for(client, auth, run(client, auth, "u/alice/caller", {"a": 41}), timeout=90)
    assert state["status"] == "success", state
    assert state["result"] == {"my_status": "running", "total": 42, "admin_script": "not found"}
