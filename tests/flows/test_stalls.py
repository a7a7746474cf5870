"""Stalled flows: a run whose Celery message is lost is re-driven by the sweeper and
finishes (finished steps are not run again); one that re-driving cannot move fails as
`stalled`; runs that legitimately wait (a running step, a sleep, a retry backoff, an
approval) are left alone."""
import base64
import json
import time

import pytest
import redis

from tests.conftest import TEST_REDIS
from tests.flows.helpers import attempts, expr, py, run_flow, save_flow, step, steps, wait_for
from tests.processes import start_worker
from worker.celery_app import make_celery
from worker.context import WorkerContext

pytestmark = pytest.mark.e2e

QUEUE = "flowstall"
"""Only the workers these tests start listen here (the flows' tag routes everything here)."""
WORKER_ENV = {"queue": QUEUE, "TASKMILL_HEARTBEAT_S": "0.5"}
STALL_AFTER_S = 1.0


def sweep(settings, **changes) -> dict:
    tuned = settings.replace(flow_stall_after_s=STALL_AFTER_S, **changes)
    return WorkerContext(tuned, make_celery(tuned)).sweeper().sweep()


def _mentions(payload: dict, marker: str) -> bool:
    body = payload.get("body", "")
    if payload.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body).decode(errors="replace")
    return marker in body or marker in json.dumps(payload.get("headers", {}))


def drop_messages_of(marker: str) -> int:
    """Delete every broker message (queued or unacknowledged) that mentions `marker`."""
    client, dropped = redis.Redis.from_url(TEST_REDIS), 0
    for key in client.scan_iter():
        if client.type(key) == b"list":
            for raw in client.lrange(key, 0, -1):
                if raw.startswith(b"{") and _mentions(json.loads(raw), marker):
                    dropped += client.lrem(key, 0, raw)
    for tag, raw in client.hgetall("unacked").items():
        if _mentions(json.loads(raw)[0], marker):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
            dropped += 1
    return dropped


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def test_a_flow_whose_message_was_lost_is_redriven_and_finishes(client, auth, settings, process_logs):
    save_flow(client, auth, "u/alice/lossy", {"tag": QUEUE, "modules": [
        {"id": "a", "value": py("return 'a'"), "sleep": 2},
        {"id": "b", "value": py("return previous + 'b'", "previous"),
         "input_transforms": {"previous": expr("results.a")}}]})
    doomed = start_worker(process_logs, name="stall-doomed", **WORKER_ENV)
    job_id = run_flow(client, auth, "u/alice/lossy")
    wait_until(lambda: (step(steps(client, auth, job_id), "a")["flow_state"] or {}).get("slept")
               if any(s["step_id"] == "a" for s in steps(client, auth, job_id)) else False)
    time.sleep(0.5)  # the sleep's delayed message is out, held by the worker
    doomed.kill()
    assert drop_messages_of(job_id) >= 1
    survivor = start_worker(process_logs, name="stall-survivor", **WORKER_ENV)
    try:
        time.sleep(2 + STALL_AFTER_S + 1)  # well past the sleep: without the sweeper, nothing moves
        assert wait_for(client, auth, job_id, statuses={"running"})["status"] == "running"
        assert {s["step_id"] for s in steps(client, auth, job_id)} == {"a"}
        a_before = step(steps(client, auth, job_id), "a")
        assert sweep(settings)["redriven_flows"] == [job_id]
        state = wait_for(client, auth, job_id, timeout=60)
    finally:
        survivor.stop()
    assert state["status"] == "success" and state["result"] == "ab"
    assert attempts(steps(client, auth, job_id), "a") == [a_before]


def test_a_flow_that_redriving_cannot_move_fails_as_stalled(client, auth, settings, worker):
    save_flow(client, auth, "u/alice/orphan", {"modules": [
        {"id": "x", "value": {**py("return 1"), "tag": "nobody-serves-this"}}]})
    job_id = run_flow(client, auth, "u/alice/orphan")
    wait_until(lambda: any(s["step_id"] == "x" for s in steps(client, auth, job_id)))
    time.sleep(STALL_AFTER_S + 0.3)
    assert sweep(settings, flow_stall_redrives=1)["redriven_flows"] == [job_id]
    time.sleep(STALL_AFTER_S + 0.3)
    assert sweep(settings, flow_stall_redrives=1)["stalled_flows"] == [job_id]
    state = wait_for(client, auth, job_id)
    assert state["status"] == "failure" and state["error"]["kind"] == "stalled"
    assert "step 'x' queued on queue 'nobody-serves-this'" in state["error"]["message"]
    assert step(steps(client, auth, job_id), "x")["status"] == "canceled"


def test_running_steps_sleeps_and_retry_backoffs_are_not_stalls(client, auth, settings, process_logs):
    save_flow(client, auth, "u/alice/patient", {
        "tag": QUEUE, "schema": {"type": "object", "properties": {"ready": {"type": "number"}}},
        "modules": [
            {"id": "long", "value": py("import time\ntime.sleep(3)\nreturn 1")},
            {"id": "nap", "value": {"type": "identity"}, "sleep": 3},
            {"id": "flaky", "value": py("import time\nif time.time() < ready:\n    raise RuntimeError('not yet')\n"
                                        "return 'done'", "ready: float"),
             "input_transforms": {"ready": expr("flow_input.ready")},
             "retry": {"constant": {"attempts": 1, "seconds": 3}}}]})
    patient = start_worker(process_logs, name="stall-patient", **WORKER_ENV)
    try:
        job_id = run_flow(client, auth, "u/alice/patient", {"ready": time.time() + 9})
        seen = set()
        while wait_for(client, auth, job_id, statuses={"running", "success", "failure"})["status"] == "running":
            rows = steps(client, auth, job_id)
            for module_id in ("long", "nap", "flaky"):
                if any(r["step_id"] == module_id for r in rows):
                    seen.add(module_id)
            assert sweep(settings)["redriven_flows"] == []
            time.sleep(0.5)
        state = wait_for(client, auth, job_id)
    finally:
        patient.stop()
    assert state["status"] == "success" and state["result"] == "done"
    assert seen == {"long", "nap", "flaky"}
    assert [a["status"] for a in attempts(steps(client, auth, job_id), "flaky")] == ["failure", "success"]


def test_a_flow_waiting_for_approval_is_not_a_stall(client, auth, settings, worker):
    save_flow(client, auth, "u/alice/waits", {"modules": [
        {"id": "ask", "value": {"type": "identity"}, "suspend": {"required_events": 1}}]})
    job_id = run_flow(client, auth, "u/alice/waits")
    wait_for(client, auth, job_id, statuses={"suspended"})
    time.sleep(STALL_AFTER_S + 0.3)
    result = sweep(settings)
    assert job_id not in result["redriven_flows"] + result["stalled_flows"]
    assert wait_for(client, auth, job_id, statuses={"suspended"})["status"] == "suspended"
