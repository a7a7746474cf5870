"""What the bench learns from the Docker engine about a stack's containers, adding nothing
to the product: how many pooled containers stand ready, and which jobs started cold.

Pooled containers carry the pool's owner label (`host:pid:id`); only those whose owner pid
is a process of the bench's stack count, so other Taskmill workers on the machine do not.
A job that misses the pool starts a container labelled with its job id, so a `create` event
with that label marks the job as a cold start: every other container-mode job was a hit.
"""
from __future__ import annotations

import os
import threading
import time

import docker

from worker.sandbox.docker import INSTANCE_LABEL, JOB_LABEL, MANAGED_LABEL
from worker.sandbox.pool import POOL_LABEL

POOL_FILL_TIMEOUT_S = 90
"""A pool that is not full after this long is broken (or the engine is), not slow."""
VANISHED_HINT = ("a pool that stays short refills only when a job finds its containers gone: were they "
                 "removed behind its back, e.g. by the janitor of another Taskmill (other Redis) "
                 "on this Docker engine?")
POOL_POLL_S = 0.05
SETTLED_S = 1.5
"""The set of running pooled containers must stay the same this long to count as settled."""


def descendants(root: int) -> set[int]:
    """`root` and every process below it, from /proc (the stack's children start their own
    sessions, so a process group would not find them)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += children.get(pid, [])
    return found


class PoolWatch:
    """Counts the running pooled containers of the stack rooted at process `root`."""

    def __init__(self, client: docker.DockerClient, root: int, expected: int) -> None:
        self.client, self.root, self.expected = client, root, expected
        self._seen_full: set[str] = set()

    def running(self) -> set[str]:
        """Ids of the stack's pooled containers that run (idle, or busy with a job)."""
        pids = {str(pid) for pid in descendants(self.root)}
        containers = self.client.containers.list(
            sparse=True, filters={"label": POOL_LABEL, "status": "running"})
        owners = {c.id: (c.attrs.get("Labels") or {}).get(POOL_LABEL, "").split(":") for c in containers}
        return {cid for cid, owner in owners.items() if len(owner) >= 3 and owner[-2] in pids}

    def wait_full(self) -> None:
        """Untimed: block until every pool of the stack is full and settled: at least
        `expected` pooled containers run and that set has not changed for SETTLED_S.

        A container a job used stays up a while (its wrapper lingers, see
        Settings.job_linger_s) until the worker's remover takes it away, which it does in a
        pause of the load; the refill also waits for such a pause. While either works, the
        set of running pooled containers keeps changing, so an unchanged full set means
        both are done."""
        deadline = time.monotonic() + POOL_FILL_TIMEOUT_S
        last, since = None, time.monotonic()
        while True:
            running = self.running()
            if running != last:
                last, since = running, time.monotonic()
            elif len(running) >= self.expected and time.monotonic() - since >= SETTLED_S:
                self._seen_full = running
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack's pools hold {len(running)} of {self.expected} containers "
                                   f"after {POOL_FILL_TIMEOUT_S} s; {VANISHED_HINT}")
            time.sleep(POOL_POLL_S)

    def settle(self, instance: str) -> None:
        """Untimed: the pools full and settled, and no used container of `instance` waiting
        for its removal: what is measured next shares the machine with neither."""
        self.wait_full()
        wait_removed(self.client, instance)


def wait_removed(client: docker.DockerClient, instance: str) -> None:
    """Untimed: block until no used container of the installation `instance` (see
    worker.sandbox.docker.instance_of) waits for its removal, so that what is measured next
    does not share the machine with removals the last measurement left behind."""
    deadline = time.monotonic() + POOL_FILL_TIMEOUT_S
    filters = {"label": [MANAGED_LABEL, f"{INSTANCE_LABEL}={instance}"], "status": ["exited", "dead"]}
    while client.containers.list(all=True, sparse=True, filters=filters):
        if time.monotonic() > deadline:
            raise TimeoutError(f"used containers were not removed within {POOL_FILL_TIMEOUT_S} s")
        time.sleep(POOL_POLL_S * 4)


class ColdStarts:
    """Job ids of the job containers created while it runs (context manager)."""

    def __init__(self, client: docker.DockerClient) -> None:
        self.client = client
        self.job_ids: set[str] = set()
        self._stream = None
        self._thread = threading.Thread(target=self._follow, name="bench-cold-starts", daemon=True)

    def __enter__(self) -> "ColdStarts":
        self._stream = self.client.events(decode=True, filters={
            "type": "container", "event": "create", "label": JOB_LABEL})
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        time.sleep(0.2)  # the engine may still be sending the last events
        self._stream.close()
        self._thread.join(timeout=5)

    def _follow(self) -> None:
        try:
            for event in self._stream:
                job_id = event.get("Actor", {}).get("Attributes", {}).get(JOB_LABEL)
                if job_id:
                    self.job_ids.add(job_id)
        except Exception:  # closing the stream ends the iteration with a socket error
            return

    def hits(self, job_ids: list[str]) -> int:
        """How many of `job_ids` (container-mode jobs) took a pooled container."""
        return sum(1 for job_id in job_ids if job_id not in self.job_ids)
