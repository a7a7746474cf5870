"""A used container lingers (its removal waits for a pause in the load) only in a burst: not
once removals wait in numbers or jobs outrun the pool. Under sustained load it exits at once,
which costs the engine less."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from types import SimpleNamespace

import pytest

import worker.languages as languages
from tests.worker.conftest import eventually, require_docker
from worker.sandbox.base import RunSpec
from worker.sandbox.docker import DockerBackend, default_limits
from worker.sandbox.pool import ContainerPool, Started
from worker.sandbox.remover import BACKLOG, QUIET_S, Remover

TRIVIAL = "def main():\n    return 1\n"


class StuckContainer:
    """A container whose removal waits until the test lets it go."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate, self.short_id = gate, "stuck"

    def remove(self, force: bool = False) -> None:
        self.gate.wait(10)


def test_removals_fall_behind_once_too_many_wait_and_catch_up_in_a_pause():
    remover, gate = Remover(), threading.Event()
    stuck = [SimpleNamespace(sock=SimpleNamespace(close=lambda: None), container=StuckContainer(gate))
             for _ in range(BACKLOG + 1)]
    try:
        remover.remove(stuck[0])  # the thread takes it and waits for a pause
        assert eventually(lambda: remover._queue.qsize() == 0)
        for started in stuck[1:-1]:
            remover.remove(started)
        time.sleep(QUIET_S / 2)
        assert not remover.falling_behind  # one short of BACKLOG waiting: a burst
        remover.remove(stuck[-1])
        assert eventually(lambda: remover.falling_behind)
    finally:
        gate.set()
    assert remover.drain(10)
    assert not remover.falling_behind  # the last ones waited for the pause


def _wrapper(linger: bool, linger_s: str = "30") -> subprocess.Popen:
    envelope = json.dumps({"code": TRIVIAL, "args": {}, "end_marker": "END", "linger": linger}) + "\n"
    proc = subprocess.Popen([sys.executable, "-u", str(languages.get_language("python").wrapper_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"TASKMILL_LINGER_S": linger_s, "PATH": "/usr/bin:/bin"})
    proc.stdin.write(envelope.encode())
    proc.stdin.close()
    assert proc.stdout.readline() == b'{"ok": true, "result": 1}\n'
    return proc


def test_the_wrapper_lingers_only_when_its_envelope_allows():
    lingering = _wrapper(linger=True)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            lingering.wait(1)
    finally:
        lingering.kill()
        lingering.wait()
    assert _wrapper(linger=False).wait(10) == 0


def test_the_pool_runs_low_at_a_quarter_of_its_size():
    gate = threading.Event()

    def start(_language: str, _labels: dict) -> Started:
        gate.wait(10)  # the test fills the pool itself
        raise RuntimeError("not started")

    pool = ContainerPool({"python": 8}, start)
    try:
        idle = SimpleNamespace(sock=None, container=None)
        assert pool.running_low("python")  # empty
        pool._ready["python"].extend([idle] * 3)
        assert not pool.running_low("python")
        pool.take("python")
        assert pool.running_low("python")  # 2 of 8 left
        assert not pool.running_low("bash")  # not pooled: the pool cannot tell
    finally:
        pool._stopped.set()
        gate.set()


class _LowPool:
    def __init__(self, low: bool) -> None:
        self.low = low

    def take(self, _language: str) -> None:
        return None  # every job starts cold

    def running_low(self, _language: str) -> bool:
        return self.low


@pytest.mark.docker
@pytest.mark.parametrize("falling_behind, pool_low, lingers", [
    (False, False, True), (True, False, False), (False, True, False)])
def test_a_used_container_exits_at_once_under_sustained_load(sandbox_settings, monkeypatch,
                                                            falling_behind, pool_low, lingers):
    require_docker(sandbox_settings)
    backend = DockerBackend(replace(sandbox_settings, job_linger_s=30))
    backend.pool = _LowPool(pool_low)
    used = []
    monkeypatch.setattr(Remover, "falling_behind", property(lambda _self: falling_behind))
    monkeypatch.setattr(backend.remover, "remove", used.append)  # keep it: the test looks at it
    spec = RunSpec(job_id=uuid.uuid4().hex, language="python", code=TRIVIAL, args={},
                   limits=default_limits(sandbox_settings))
    try:
        outcome = backend.run(spec, lambda _text: None, threading.Event())
        assert outcome.success and outcome.result == 1
        container = used[0].container
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            container.reload()
            if container.status == "exited":
                break
            time.sleep(0.1)
        assert container.status == ("running" if lingers else "exited")
    finally:
        for started in used:
            started.sock.close()
            started.container.remove(force=True)
