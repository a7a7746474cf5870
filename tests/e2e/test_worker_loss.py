"""A worker killed mid-job: the job never stays `running`, and a redelivered message never re-runs it."""
import time

import pytest
from celery import Celery

from tests.processes import start_worker
from tests.e2e.helpers import job, run, save_script, wait_for
from worker.celery_app import make_celery
from worker.context import WorkerContext
from worker.sweeper import Sweeper
from worker.sandbox import make_backend

pytestmark = pytest.mark.e2e

QUEUE = "crashy"
"""Only the workers of these tests listen here, so the session worker never takes the job."""
WORKER_ENV = {"queue": QUEUE, "TASKMILL_HEARTBEAT_S": "0.5",
              "TASKMILL_BROKER_VISIBILITY_TIMEOUT_S": "3"}


def sweeper(settings, **changes) -> Sweeper:
    tuned = settings.replace(stale_after_s=2, **changes)
    celery: Celery = make_celery(tuned)
    return WorkerContext(tuned, celery).sweeper()


def start_doomed_job(client, auth, process_logs, code='import time\ndef main():\n    print("working")\n    time.sleep(20)\n'):
    save_script(client, auth, "u/alice/long", "python", code, tag=QUEUE)
    worker = start_worker(process_logs, name="doomed", **WORKER_ENV)
    try:
        job_id = run(client, auth, "u/alice/long")
        wait_for(client, auth, job_id, statuses={"running"})
    finally:
        worker.kill()  # also when the job never started: no worker outlives its test
    return job_id


def test_sweeper_fails_a_job_whose_worker_died(client, auth, settings, process_logs):
    job_id = start_doomed_job(client, auth, process_logs)
    time.sleep(2.5)
    settled = sweeper(settings).sweep()
    assert job_id in settled["lost"]
    state = job(client, auth, job_id)
    assert state["status"] == "failure" and state["error"]["kind"] == "worker_lost"
    assert not leftover_containers(settings, job_id)


def leftover_containers(settings, job_id: str) -> list:
    backend = make_backend(settings)
    if backend.name != "docker":
        return []
    return backend.client.containers.list(all=True, filters={"label": f"taskmill.job={job_id}"})


def test_redelivered_message_does_not_rerun_a_finished_job(client, auth, settings, process_logs):
    job_id = start_doomed_job(client, auth, process_logs)
    time.sleep(2.5)
    sweeper(settings).sweep()
    before = job(client, auth, job_id)
    survivor = start_worker(process_logs, name="survivor", **WORKER_ENV)
    try:
        deadline = time.monotonic() + 30
        while "not queued any more" not in survivor.output():
            assert time.monotonic() < deadline, "the unacked message was never redelivered"
            time.sleep(0.3)
    finally:
        survivor.stop()
    after = job(client, auth, job_id)
    assert after["status"] == "failure" and after["attempt"] == before["attempt"] == 1
    assert after["finished_at"] == before["finished_at"]


def test_requeue_policy_runs_the_lost_job_again(client, auth, settings, process_logs):
    job_id = start_doomed_job(client, auth, process_logs)
    time.sleep(2.5)
    settled = sweeper(settings, lost_job_policy="requeue").sweep()
    assert job_id in settled["lost"]
    assert job(client, auth, job_id)["status"] == "queued"
    survivor = start_worker(process_logs, name="rerunner", **WORKER_ENV,
                            TASKMILL_JOB_TIMEOUT_S="1")
    try:
        state = wait_for(client, auth, job_id, timeout=30)
    finally:
        survivor.stop()
    # The second attempt really ran: it hit the rerunner's 1 s timeout.
    assert state["attempt"] == 2
    assert state["status"] == "failure" and state["error"]["kind"] == "timeout"
