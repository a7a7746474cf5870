"""The container pool: started containers wait per language; each serves exactly one job."""
from __future__ import annotations

import threading
import time
import uuid

import docker
import pytest

from worker.sandbox.docker import DockerBackend, default_limits
from worker.sandbox.base import RunSpec
from worker.sandbox.pool import POOL_LABEL
from tests.worker.conftest import require_docker

pytestmark = pytest.mark.docker

ECHO_ENV = "import os\ndef main(x: int):\n    print('running')\n    return {'x': x, 'token': os.environ.get('TASKMILL_TOKEN')}\n"


@pytest.fixture()
def pooled(sandbox_settings):
    require_docker(sandbox_settings)
    backend = DockerBackend(sandbox_settings, {"python": 2, "bash": 1})
    wait_until(lambda: ready(backend) == {"python": 2, "bash": 1})
    yield backend
    backend.pool.stop()


def ready(backend) -> dict[str, int]:
    return {lang: len(queue) for lang, queue in backend.pool._ready.items()}


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def spec(settings, code=ECHO_ENV, language="python", limits=None, **env) -> RunSpec:
    return RunSpec(job_id=uuid.uuid4().hex, language=language, code=code, args={"x": 7},
                   limits=limits or default_limits(settings), env=env)


def run(backend, job: RunSpec):
    return backend.run(job, lambda _text: None, threading.Event())


def pool_containers(backend) -> list:
    return backend.client.containers.list(all=True, filters={"label": f"{POOL_LABEL}={backend.pool.owner}"})


def test_a_job_with_default_limits_takes_a_started_container(pooled, sandbox_settings):
    outcome = run(pooled, spec(sandbox_settings, TASKMILL_TOKEN="tm_job"))
    assert outcome.success and outcome.pool_hit
    assert outcome.result == {"x": 7, "token": "tm_job"}


def test_each_pooled_container_serves_one_job_and_the_pool_refills(pooled, sandbox_settings):
    first = {s.container.id for s in pooled.pool._ready["python"]}
    for _ in range(3):
        wait_until(lambda: ready(pooled)["python"] == 2)
        assert run(pooled, spec(sandbox_settings)).pool_hit
    wait_until(lambda: ready(pooled)["python"] == 2)
    assert not first & {c.id for c in pool_containers(pooled)}, "a used container came back"


def test_jobs_faster_than_the_refill_start_cold_rather_than_wait(pooled, sandbox_settings):
    outcomes = [run(pooled, spec(sandbox_settings)) for _ in range(4)]
    assert all(o.success for o in outcomes)
    assert [o.pool_hit for o in outcomes][:2] == [True, True]


def test_a_job_with_its_own_limits_starts_cold(pooled, sandbox_settings):
    limits = default_limits(sandbox_settings)
    from dataclasses import replace
    outcome = run(pooled, spec(sandbox_settings, limits=replace(limits, memory_mb=128)))
    assert outcome.success and not outcome.pool_hit
    assert run(pooled, spec(sandbox_settings, limits=replace(limits, timeout_s=5))).pool_hit


def test_a_pooled_container_that_died_is_skipped(pooled, sandbox_settings):
    for started in list(pooled.pool._ready["python"]):
        try:
            started.container.remove(force=True)  # as if the engine had restarted under it
        except docker.errors.APIError:
            pass  # already gone

    outcome = run(pooled, spec(sandbox_settings))
    assert outcome.success and outcome.result["x"] == 7
    wait_until(lambda: ready(pooled)["python"] == 2)


def test_pooled_failures_are_reported_like_cold_ones(pooled, sandbox_settings):
    outcome = run(pooled, spec(sandbox_settings, code="def main(x: int):\n    raise ValueError('no')\n"))
    assert not outcome.success and outcome.pool_hit and "ValueError: no" in outcome.message
    bash = run(pooled, spec(sandbox_settings, code='echo "$TASKMILL_TOKEN"\n', language="bash", TASKMILL_TOKEN="t1"))
    assert bash.success and bash.pool_hit and bash.result == "t1"


def test_stopping_the_pool_removes_its_idle_containers(sandbox_settings):
    require_docker(sandbox_settings)
    backend = DockerBackend(sandbox_settings, {"bash": 2})
    wait_until(lambda: ready(backend) == {"bash": 2})
    backend.pool.stop()
    assert pool_containers(backend) == []


def test_the_janitor_reaps_old_containers_of_dead_owners_only(pooled, sandbox_settings, monkeypatch):
    ours = pooled.pool.owner
    # Other owners (other worker processes on this engine) are treated as alive throughout.
    pooled.reap_orphans(lambda owner: owner != ours)
    assert len(pool_containers(pooled)) == 3, "too young to be orphans"
    monkeypatch.setattr("worker.sandbox.docker.OWNER_TTL_S", -60)  # as if two minutes had passed
    pooled.reap_orphans(lambda owner: True)  # may reap exited leftovers of other tests, never ours
    assert len(pool_containers(pooled)) == 3
    assert pooled.reap_orphans(lambda owner: owner != ours) >= 3
    assert pool_containers(pooled) == []


def test_the_janitor_removes_exited_job_containers_of_its_installation_only(sandbox_settings, monkeypatch):
    require_docker(sandbox_settings)
    backend = DockerBackend(sandbox_settings)
    job_label = {"taskmill.job": uuid.uuid4().hex, "taskmill.managed": "1", "taskmill.instance": backend.instance}
    container = backend.client.containers.run(sandbox_settings.image_for("bash"), ["true"], detach=True,
                                              labels=job_label)
    other_install = backend.client.containers.run(
        sandbox_settings.image_for("bash"), ["true"], detach=True,
        labels={**job_label, "taskmill.instance": "another-install"})
    container.wait(), other_install.wait()
    assert backend.reap_orphans(lambda owner: True) >= 0 and container_exists(backend, container.id)
    monkeypatch.setattr("worker.sandbox.docker.OWNER_TTL_S", -60)  # as if two minutes had passed
    backend.reap_orphans(lambda owner: True)
    assert not container_exists(backend, container.id)
    assert container_exists(backend, other_install.id), "another installation's container was reaped"
    other_install.remove(force=True)


def container_exists(backend, container_id: str) -> bool:
    try:
        backend.client.containers.get(container_id)
        return True
    except docker.errors.NotFound:
        return False
