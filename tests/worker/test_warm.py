"""Warm mode: one container serves a series of jobs of one trust domain, a fresh process each."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from worker.sandbox.base import RunSpec
from worker.sandbox.docker import DockerBackend, default_limits
from worker.sandbox.warm import WARM_LABEL, domain_label
from tests.worker.conftest import require_docker

pytestmark = pytest.mark.docker

WHOAMI = "import os\ndef main():\n    return {'pid': os.getpid(), 'token': os.environ.get('TASKMILL_TOKEN')}\n"
TAMPER = '''import os, subprocess
def main():
    with open("/tmp/left-behind", "w") as f:
        f.write("x")
    os.environ["LEAK"] = "1"
    subprocess.Popen(["sleep", "300"], start_new_session=True)
    return "tampered"
'''
INSPECT = '''import os
def main():
    procs = [p for p in os.listdir("/proc") if p.isdigit()]
    names = []
    for p in procs:
        try:
            names.append(open(f"/proc/{p}/cmdline", "rb").read().split(b"\\0")[0].decode())
        except OSError:
            pass
    return {"file": os.path.exists("/tmp/left-behind"), "leak": os.environ.get("LEAK"),
            "sleepers": [n for n in names if "sleep" in n]}
'''


@pytest.fixture()
def backend(sandbox_settings):
    require_docker(sandbox_settings)
    backend = DockerBackend(sandbox_settings.replace(warm_max_jobs=5))
    yield backend
    backend.warm.stop()


@pytest.fixture()
def domain() -> str:
    """A trust domain of this test alone (other processes may hold warm containers too)."""
    return f"test:{uuid.uuid4().hex}"


def run(backend, code, domain, **env):
    spec = RunSpec(job_id=uuid.uuid4().hex, language="python", code=code, args={},
                   limits=default_limits(backend.settings), env=env, isolation="warm", domain=domain)
    return backend.run(spec, lambda _text: None, threading.Event())


def warm_containers(backend, domain):
    return backend.client.containers.list(all=True, sparse=True,
                                          filters={"label": f"{WARM_LABEL}={domain_label(domain)}"})


def test_jobs_of_one_domain_share_a_warm_container_with_a_fresh_process_each(backend, domain):
    first, second = run(backend, WHOAMI, domain, TASKMILL_TOKEN="a"), run(backend, WHOAMI, domain, TASKMILL_TOKEN="b")
    assert first.success and second.success and first.isolation == second.isolation == "warm"
    assert first.result["pid"] != second.result["pid"]
    assert (first.result["token"], second.result["token"]) == ("a", "b")
    assert len(warm_containers(backend, domain)) == 1


def test_another_domain_never_shares_the_container(backend, domain):
    other = domain + ":other"
    run(backend, WHOAMI, domain)
    run(backend, WHOAMI, other)
    assert len(warm_containers(backend, domain)) == 1 and len(warm_containers(backend, other)) == 1


def test_a_job_that_tampers_cannot_affect_the_next(backend, domain):
    assert run(backend, TAMPER, domain).result == "tampered"
    after = run(backend, INSPECT, domain)
    assert after.success and after.isolation == "warm"
    assert after.result == {"file": False, "leak": None, "sleepers": []}


def test_a_failed_job_retires_its_container(backend, domain):
    run(backend, WHOAMI, domain)
    container_id = warm_containers(backend, domain)[0].id
    failed = run(backend, "def main():\n    raise ValueError('x')\n", domain)
    assert not failed.success and "ValueError" in failed.message
    assert backend.remover.drain()  # retired containers are removed off the job's path
    assert container_id not in {c.id for c in warm_containers(backend, domain)}


def test_the_container_is_recycled_after_max_jobs(backend, domain):
    first = run(backend, WHOAMI, domain)
    container_id = warm_containers(backend, domain)[0].id
    assert all(run(backend, WHOAMI, domain).success for _ in range(5))  # max_jobs is 5
    assert backend.remover.drain()
    assert container_id not in {c.id for c in warm_containers(backend, domain)}
    assert first.success


def test_a_retired_container_has_its_successor_started_before_the_next_job(backend, domain):
    for _ in range(5):  # max_jobs is 5: retired after the fifth
        run(backend, WHOAMI, domain)
    deadline = time.monotonic() + 30
    while not backend.warm.idle_count("python", domain) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend.warm.idle_count("python", domain) == 1  # started in the background
    started = []
    backend.warm._start = lambda *args: started.append(args)  # noqa: SLF001 (no cold start now)
    assert run(backend, WHOAMI, domain).success and started == []


def test_exit_without_a_result_and_timeouts_are_reported(backend, domain):
    exited = run(backend, "import sys\ndef main():\n    sys.exit(3)\n", domain)
    assert not exited.success and exited.exit_code == 3
    backend.settings = backend.settings.replace(job_timeout_s=1)
    slow = RunSpec(job_id=uuid.uuid4().hex, language="python", code="import time\ndef main():\n    time.sleep(10)\n",
                   args={}, limits=default_limits(backend.settings), isolation="warm", domain=domain)
    outcome = backend.run(slow, lambda _t: None, threading.Event())
    assert outcome.failure.value == "timeout"
