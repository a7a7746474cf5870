"""A scheduled job that fails for real gets its schedule's on_failure script run by a worker."""
import time

import pytest
from sqlalchemy import select

from app.models import Schedule, utcnow

from app.services.schedule_firing import fire
from tests.e2e.helpers import wait_for
from tests.schedules.conftest import create
from tests.schedules.test_firing import HOOK

pytestmark = pytest.mark.e2e


def test_a_failing_scheduled_job_runs_the_on_failure_script(client, auth, factory, db, app, worker):
    factory.script("u/alice/flaky", "def main():\n    raise ValueError('disk full')\n")
    factory.script("u/alice/alert", HOOK)
    create(client, auth, script_path="u/alice/flaky", args={}, on_failure_path="u/alice/alert")
    with db.session() as session:
        schedule_id = session.scalars(select(Schedule.id)).one()
    job_id = fire(db, app.extensions["taskmill"].queue, schedule_id, utcnow())
    assert wait_for(client, auth, job_id)["status"] == "failure"  # the executor then calls the hook
    hook = _wait_for_hook(client, auth)
    assert hook["script_path"] == "u/alice/alert" and hook["status"] == "success"
    assert hook["args"]["job_id"] == job_id and "disk full" in hook["result"]["message"]


def _wait_for_hook(client, auth, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = client.get("/api/w/main/schedules/p/u/alice/nightly/runs", headers=auth).json
        hooks = [r for r in runs if r["trigger_kind"] == "schedule_failure"]
        if hooks and hooks[0]["status"] in ("success", "failure"):
            return hooks[0]
        time.sleep(0.2)
    raise AssertionError("the on_failure job did not finish")
