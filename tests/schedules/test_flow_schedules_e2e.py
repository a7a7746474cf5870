"""A real beat fires a flow schedule every second; its runs succeed; a failed one alerts."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Schedule, utcnow
from app.services.schedule_firing import fire
from tests.flows.helpers import expr, py, save_flow, wait_for
from tests.schedules.beat import start_beat, wait_for_firings
from tests.schedules.conftest import create
from tests.schedules.test_firing import HOOK

pytestmark = pytest.mark.e2e

DOUBLE = {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
          "modules": [{"id": "double", "value": py("return n * 2", "n: int"),
                       "input_transforms": {"n": expr("flow_input.n")}}]}
BROKEN = {"modules": [{"id": "boom", "value": py("raise ValueError('disk full')")}]}


def test_a_per_second_flow_schedule_fires_flow_runs_that_succeed(client, auth, db, worker, processes):
    save_flow(client, auth, "u/alice/double", DOUBLE)
    assert create(client, auth, cron="* * * * * *", timezone="UTC", script_path=None,
                  flow_path="u/alice/double", args={"n": 21}).status_code == 201
    beat = processes(start_beat, "beat")
    fired = wait_for_firings(db, 2)
    beat.stop()
    for firing, job in fired[:2]:
        assert job.kind.value == "flow" and job.trigger_kind == "schedule"
        assert timedelta(0) <= job.created_at - firing.slot <= timedelta(seconds=2)
        done = wait_for(client, auth, job.id)
        assert done["status"] == "success" and done["result"] == 42, done


def test_a_failed_scheduled_flow_runs_the_on_failure_script(client, auth, factory, db, app, worker):
    save_flow(client, auth, "u/alice/broken", BROKEN)
    factory.script("u/alice/alert", HOOK)
    assert create(client, auth, script_path=None, flow_path="u/alice/broken", args={},
                  on_failure_path="u/alice/alert").status_code == 201
    with db.session() as session:
        schedule_id = session.scalars(select(Schedule.id)).one()
    job_id = fire(db, app.extensions["taskmill"].queue, schedule_id, utcnow())
    assert wait_for(client, auth, job_id)["status"] == "failure"  # lifecycle.end_flow calls the hook
    hook = _wait_for_hook(client, auth)
    assert hook["script_path"] == "u/alice/alert" and hook["status"] == "success"
    assert hook["args"]["job_id"] == job_id and "disk full" in str(hook["result"])


def _wait_for_hook(client, auth, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = client.get("/api/w/main/schedules/p/u/alice/nightly/runs", headers=auth).json
        hooks = [r for r in runs if r["trigger_kind"] == "schedule_failure"]
        if hooks and hooks[0]["status"] in ("success", "failure"):
            return hooks[0]
        time.sleep(0.2)
    raise AssertionError("the on_failure job did not finish")


STATE_KEYS = {"modules": [{"id": "key", "value": py(
    "import os\nreturn os.environ['TASKMILL_STATE_KEY']")}]}


def test_steps_of_a_scheduled_flow_share_the_schedule_state_and_others_their_script(client, auth, db, app,
                                                                                    worker):
    save_flow(client, auth, "u/alice/keys", STATE_KEYS)
    assert create(client, auth, script_path=None, flow_path="u/alice/keys", args={}).status_code == 201
    with db.session() as session:
        schedule_id = session.scalars(select(Schedule.id)).one()
    scheduled = fire(db, app.extensions["taskmill"].queue, schedule_id, utcnow())
    assert wait_for(client, auth, scheduled)["result"] == "schedule/u/alice/nightly"
    by_hand = client.post("/api/w/main/jobs/run/f/u/alice/keys", json={}, headers=auth).json["id"]
    assert wait_for(client, auth, by_hand)["result"].startswith("script/")
