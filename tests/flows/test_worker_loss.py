"""A worker killed mid-flow: finished steps are never run again; the running step is failed
or re-run per the lost-job policy, and the flow carries on from there on another worker."""
import time

import pytest

from tests.flows.helpers import attempts, py, run_flow, save_flow, step, steps, wait_for
from tests.processes import start_worker
from worker.celery_app import make_celery
from worker.context import WorkerContext

pytestmark = pytest.mark.e2e

QUEUE = "flowcrash"
"""Only the workers of these tests listen here (the flow's tag routes all of it here)."""
WORKER_ENV = {"queue": QUEUE, "TASKMILL_HEARTBEAT_S": "0.5", "TASKMILL_BROKER_VISIBILITY_TIMEOUT_S": "3"}


def sweep(settings, **changes) -> dict:
    tuned = settings.replace(stale_after_s=2, **changes)
    return WorkerContext(tuned, make_celery(tuned)).sweeper().sweep()


def crash_during_b(client, auth, process_logs, b_seconds: int) -> str:
    """Run a → b → c on a worker that is killed while b runs; returns the flow job id."""
    save_flow(client, auth, "u/alice/crashy", {"tag": QUEUE, "modules": [
        {"id": "a", "value": py("return 'a'")},
        {"id": "b", "value": py(f"import time\nprint('working')\ntime.sleep({b_seconds})\nreturn 'b'")},
        {"id": "c", "value": py("return 'c'")}]})
    doomed = start_worker(process_logs, name="flow-doomed", **WORKER_ENV)
    job_id = run_flow(client, auth, "u/alice/crashy")
    deadline = time.monotonic() + 60
    while not [s for s in steps(client, auth, job_id) if s["step_id"] == "b" and s["status"] == "running"]:
        assert time.monotonic() < deadline, steps(client, auth, job_id)
        time.sleep(0.2)
    doomed.kill()
    time.sleep(2.5)
    return job_id


def test_the_lost_step_fails_the_flow_and_earlier_steps_are_not_rerun(client, auth, settings, process_logs):
    job_id = crash_during_b(client, auth, process_logs, b_seconds=30)
    a_before = step(steps(client, auth, job_id), "a")
    assert step(steps(client, auth, job_id), "b")["id"] in sweep(settings)["lost"]
    survivor = start_worker(process_logs, name="flow-survivor", **WORKER_ENV)
    try:
        state = wait_for(client, auth, job_id, timeout=60)
    finally:
        survivor.stop()
    assert state["status"] == "failure" and state["error"]["failed_step"] == "b"
    assert state["error"]["step_error"]["kind"] == "worker_lost"
    rows = steps(client, auth, job_id)
    assert attempts(rows, "a") == [a_before]
    assert "c" not in {r["step_id"] for r in rows}


def test_with_the_requeue_policy_the_lost_step_reruns_and_the_flow_finishes(client, auth, settings, process_logs):
    job_id = crash_during_b(client, auth, process_logs, b_seconds=5)
    a_before = step(steps(client, auth, job_id), "a")
    sweep(settings, lost_job_policy="requeue")
    assert step(steps(client, auth, job_id), "b")["status"] == "queued"
    survivor = start_worker(process_logs, name="flow-rerunner", **WORKER_ENV)
    try:
        state = wait_for(client, auth, job_id, timeout=90)
    finally:
        survivor.stop()
    assert state["status"] == "success" and state["result"] == "c"
    rows = steps(client, auth, job_id)
    assert attempts(rows, "a") == [a_before]
    assert step(rows, "b")["attempt"] == 2 and step(rows, "b")["status"] == "success"
