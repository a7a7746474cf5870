"""A script becomes a job that a real Celery worker runs in its sandbox, with every fault recorded."""
import time

import pytest

from tests.e2e.helpers import job, logs, run, save_script, wait_for

pytestmark = pytest.mark.e2e

GREET = {
    "python": ('def main(name: str, times: int = 2):\n'
               '    print("greeting", name)\n'
               '    return {"greeting": " ".join(["hi " + name] * times)}\n'),
    "bash": ('name="$1"\ntimes="${2:-2}"\necho "greeting $name" >&2\n'
             'echo "{\\"greeting\\": \\"hi $name x$times\\"}"\n'),
}
EXPECTED = {"python": {"greeting": "hi ada hi ada"}, "bash": {"greeting": "hi ada x2"}}
FAULTS = {
    ("python", "raises"): ('def main():\n    raise ValueError("bad input")\n', "exception", "bad input"),
    ("bash", "raises"): ('echo about to fail\nfalse_command_xyz\nexit 3\n', "exit_code", "code 3"),
    ("python", "exit_code"): ('import sys\ndef main():\n    sys.exit(4)\n', "exit_code", "code 4"),
    ("bash", "exit_code"): ('exit 5\n', "exit_code", "code 5"),
    ("python", "result_not_json"): ('def main():\n    return object()\n', "result_not_json", "JSON"),
    ("python", "timeout"): ('import time\ndef main():\n    time.sleep(30)\n', "timeout", "timed out"),
    ("bash", "timeout"): ('sleep 30\n', "timeout", "timed out"),
}


@pytest.mark.parametrize("language", ["python", "bash"])
def test_job_runs_and_stores_result_logs_and_timings(client, auth, worker, language):
    save_script(client, auth, "u/alice/greet", language, GREET[language])
    job_id = run(client, auth, "u/alice/greet", {"name": "ada"})
    state = wait_for(client, auth, job_id)
    assert state["status"] == "success", state
    assert state["result"] == EXPECTED[language]
    assert "greeting ada" in logs(client, auth, job_id)
    assert state["duration_ms"] >= 0 and state["started_at"] and state["finished_at"]
    assert state["worker"] and state["runner"] in ("docker", "local")


@pytest.mark.parametrize("language,fault", sorted(FAULTS))
def test_faulty_script_ends_in_failure_saying_why(client, auth, worker, language, fault):
    code, kind, words = FAULTS[(language, fault)]
    save_script(client, auth, "u/alice/faulty", language, code, timeout_s=2)
    state = wait_for(client, auth, run(client, auth, "u/alice/faulty"))
    assert state["status"] == "failure"
    assert state["error"]["kind"] == kind
    assert words in state["error"]["message"] + (state["error"]["traceback"] or "")


def test_python_failure_keeps_the_traceback_of_the_user_line(client, auth, worker):
    save_script(client, auth, "u/alice/tb", "python", 'def main():\n    x = 1\n    return x / 0\n')
    state = wait_for(client, auth, run(client, auth, "u/alice/tb"))
    assert "ZeroDivisionError" in state["error"]["traceback"]
    assert "line 3" in state["error"]["traceback"]


@pytest.mark.parametrize("language", ["python", "bash"])
def test_ten_megabytes_of_output_are_capped(client, auth, worker, settings, language):
    code = {"python": 'import sys\ndef main():\n    for _ in range(10240):\n        sys.stdout.write("x" * 1023 + "\\n")\n    return "done"\n',
            "bash": 'head -c 10485760 /dev/zero | tr "\\0" "x" | fold -w 1023\necho\necho "\\"done\\""\n'}[language]
    save_script(client, auth, "u/alice/chatty", language, code)
    state = wait_for(client, auth, run(client, auth, "u/alice/chatty"))
    assert state["status"] == "success" and state["result"] == "done"
    assert state["logs_truncated"] is True
    text = logs(client, auth, state["id"])
    assert len(text.encode()) < settings.max_log_bytes + 1024
    assert "dropped" in text


def test_logs_are_visible_while_the_job_runs(client, auth, worker):
    save_script(client, auth, "u/alice/slow", "python",
                'import time\ndef main():\n    print("first line")\n    time.sleep(4)\n    return 1\n')
    job_id = run(client, auth, "u/alice/slow")
    wait_for(client, auth, job_id, statuses={"running"})
    import time
    deadline = time.monotonic() + 3
    while "first line" not in logs(client, auth, job_id):
        assert time.monotonic() < deadline, "log line did not arrive while running"
        time.sleep(0.1)
    assert job(client, auth, job_id)["status"] == "running"
    assert wait_for(client, auth, job_id)["status"] == "success"


def test_cancel_kills_a_running_job(client, auth, worker):
    save_script(client, auth, "u/alice/forever", "bash", 'echo started >&2\nsleep 60\n')
    job_id = run(client, auth, "u/alice/forever")
    wait_for(client, auth, job_id, statuses={"running"})
    response = client.post(f"/api/w/main/jobs/{job_id}/cancel", headers=auth)
    assert response.status_code == 200
    state = wait_for(client, auth, job_id, timeout=15)
    assert state["status"] == "canceled"
    assert state["duration_ms"] < 15000


def test_run_wait_result_answers_with_the_result(client, auth, worker):
    save_script(client, auth, "u/alice/add", "python", 'def main(a: int, b: int):\n    return a + b\n')
    response = client.post("/api/w/main/jobs/run_wait_result/p/u/alice/add", json={"a": 2, "b": 3}, headers=auth)
    assert response.status_code == 200 and response.json == 5
    assert response.headers["X-Taskmill-Job-Id"]


def test_run_wait_result_reports_failure_as_422(client, auth, worker):
    save_script(client, auth, "u/alice/boom", "python", 'def main():\n    raise RuntimeError("boom")\n')
    response = client.post("/api/w/main/jobs/run_wait_result/p/u/alice/boom", json={}, headers=auth)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "job_failed" and "boom" in response.json["error"]["message"]


def test_run_wait_result_past_the_wait_limit_answers_202(app, client, auth, worker):
    save_script(client, auth, "u/alice/sleepy", "bash", 'sleep 3\necho 1\n')
    runtime = app.extensions["taskmill"]
    original = runtime.settings
    runtime.settings = original.replace(run_wait_timeout_s=0.5)
    try:
        response = client.post("/api/w/main/jobs/run_wait_result/p/u/alice/sleepy", json={}, headers=auth)
    finally:
        runtime.settings = original
    assert response.status_code == 202
    assert wait_for(client, auth, response.json["id"])["status"] == "success"


def test_memory_past_the_limit_ends_in_failure_and_leaves_no_container(client, auth, worker, settings):
    save_script(client, auth, "u/alice/hog", "python",
                'def main():\n    blocks = [bytearray(64 * 2**20) for _ in range(40)]\n    return len(blocks)\n')
    state = wait_for(client, auth, run(client, auth, "u/alice/hog"))
    assert state["status"] == "failure" and state["error"]["kind"] == "memory"
    assert "memory limit" in state["error"]["message"]
    if state["runner"] == "docker":
        import docker
        engine = docker.DockerClient(base_url=settings.docker_url)
        label = {"label": f"taskmill.job={state['id']}"}
        # removed right after the answer, off the job's critical path
        deadline = time.monotonic() + 15
        while engine.containers.list(all=True, filters=label):
            assert time.monotonic() < deadline, "the job's container was left behind"
            time.sleep(0.2)


def test_a_warm_script_runs_warm_and_the_job_records_it(client, auth, worker):
    save_script(client, auth, "u/alice/warm", "python", "def main(n: int):\n    return n * 2\n",
                isolation="warm")
    states = [wait_for(client, auth, run(client, auth, "u/alice/warm", {"n": n})) for n in (1, 2)]
    assert [s["result"] for s in states] == [2, 4]
    expected = "warm" if states[0]["runner"] == "docker" else "process"
    assert {s["isolation"] for s in states} == {expected}
