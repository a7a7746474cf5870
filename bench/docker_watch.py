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

from worker.sandbox.docker import JOB_LABEL
from worker.sandbox.pool import POOL_LABEL

POOL_FILL_TIMEOUT_S = 90
"""A pool that is not full after this long is broken (or the engine is), not slow."""
VANISHED_HINT = ("a pool that stays short refills only when a job finds its containers gone: were they "
                 "removed behind its back, e.g. by the janitor of another Taskmill (other Redis) "
                 "on this Docker engine?")
POOL_POLL_S = 0.05


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

    def ready(self) -> int:
        pids = {str(pid) for pid in descendants(self.root)}
        containers = self.client.containers.list(
            sparse=True, filters={"label": POOL_LABEL, "status": "running"})
        owners = ((c.attrs.get("Labels") or {}).get(POOL_LABEL, "").split(":") for c in containers)
        return sum(1 for owner in owners if len(owner) >= 3 and owner[-2] in pids)

    def wait_full(self) -> None:
        """Untimed: block until every pool of the stack is full again."""
        deadline = time.monotonic() + POOL_FILL_TIMEOUT_S
        while (ready := self.ready()) < self.expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack's pools hold {ready} of {self.expected} containers "
                                   f"after {POOL_FILL_TIMEOUT_S} s; {VANISHED_HINT}")
            time.sleep(POOL_POLL_S)


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
