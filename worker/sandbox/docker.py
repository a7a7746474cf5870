"""Docker backend: a fresh, locked-down container per job, from the language's runner image.

The container gets no Docker socket and no volume but the dependency cache (read-only, see
worker/deps), runs as the image's `runner` user with a read-only root, a tmpfs /tmp, memory
(no swap), CPU and PID limits, its own network mode and no capabilities. The envelope goes in
on stdin; stderr streams to the logs; stdout is the result channel. The container is removed
whatever happens.
"""
from __future__ import annotations

import hashlib
import logging
import select
import socket
import threading
import time
from dataclasses import replace
from typing import Any, Callable, Iterator

import docker
from docker.errors import APIError, NotFound
from docker.models.containers import Container
from docker.utils.socket import STDOUT, frames_iter

from config import Settings
# A module import, not `from ... import`: worker.languages imports worker.sandbox.base,
# so either package may be the one still initializing when the other needs it.
import worker.languages as languages
from worker.sandbox.base import DEPS_MOUNT, Limits, OutputCallback, RunOutcome, RunSpec
from worker.sandbox.pool import OWNER_TTL_S, POOL_LABEL, ContainerPool, Started
from worker.sandbox.remover import Remover
from worker.sandbox.warm import WARM_LABEL, WarmContainer, WarmRegistry, domain_label
from worker.sandbox.supervision import (EndMarker, LogStream, ResultBuffer, Watchdog,
                                        final_outcome, sandbox_failure)

log = logging.getLogger(__name__)

RUNNER_USER = "10001:10001"
"""uid:gid of the `runner` user the Dockerfiles create; never root."""
JOB_LABEL = "taskmill.job"
MANAGED_LABEL = "taskmill.managed"
"""Every job container carries both labels, so a janitor can find and remove orphans."""
INSTANCE_LABEL = "taskmill.instance"
"""Which installation made the container (see `instance_of`): one engine may serve several
(test runs, staging next to production), and a janitor judges only its own."""


def instance_of(settings: Settings) -> str:
    """Installations are told apart by their Redis, where pool owners prove they are alive."""
    return hashlib.sha256(settings.redis_url.encode()).hexdigest()[:12]


HOST_CONFIG_KEYS = ("volumes", "read_only", "tmpfs", "mem_limit", "memswap_limit", "nano_cpus",
                    "pids_limit", "network_mode", "cap_drop", "security_opt", "log_config")
"""The keys of `container_config` that belong in the engine's HostConfig (`volumes` as binds)."""

KILLED_BY_SIGKILL = 137
"""Exit status of a process killed with SIGKILL (128 + 9), e.g. by the OOM killer."""


def container_config(language: languages.Language, image: str, limits: Limits,
                     labels: dict[str, str], command: list[str] | None = None,
                     deps_volume: str = "", linger_s: float = 0) -> dict[str, Any]:
    """Keyword arguments of `containers.create` for one job's container; `deps_volume`, the
    cached dependencies (worker/deps), is mounted read-only into every one, so a container
    made before its job was known can serve a job that has dependencies. `linger_s`: see
    Settings.job_linger_s (languages whose wrapper can)."""
    memory = f"{limits.memory_mb}m"
    return dict(
        **({"volumes": [f"{deps_volume}:{DEPS_MOUNT}:ro"]} if deps_volume else {}),
        **({"environment": {"TASKMILL_LINGER_S": f"{linger_s:g}"}}
           if linger_s > 0 and language.lingers else {}),
        image=image, command=command or language.image_command(), user=RUNNER_USER,
        stdin_open=True,  # the job's environment travels in the envelope, not in `docker inspect`
        labels={**labels, MANAGED_LABEL: "1"},
        # exec on /tmp: compiled languages run the binary they build there.
        read_only=True, tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=1777"},
        mem_limit=memory, memswap_limit=memory, nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids, network_mode=limits.network,
        cap_drop=["ALL"], security_opt=["no-new-privileges"],
        # The worker reads the output from the attach stream, redacts and stores it: the
        # engine keeps no copy (a log file would hold a job's secrets unredacted, on disk).
        log_config={"type": "none"},
    )


def create_container(client: docker.DockerClient, config: dict[str, Any]) -> Container:
    """`client.containers.create(**config)` without the inspect docker-py makes after it (one
    engine round trip per container less): the model holds the id only, and `reload` reads
    the rest when it is needed."""
    config = dict(config)
    host = {key: config.pop(key) for key in HOST_CONFIG_KEYS if key in config}
    if "volumes" in host:
        host["binds"] = host.pop("volumes")
    created = client.api.create_container(host_config=client.api.create_host_config(**host), **config)
    return client.containers.prepare_model({"Id": created["Id"]})


def default_limits(settings: Settings) -> Limits:
    """The limits of a job that sets none of its own (all a pooled container can serve)."""
    return Limits(timeout_s=settings.job_timeout_s, memory_mb=settings.job_memory_mb,
                  cpus=settings.job_cpus, pids=settings.job_pids, network=settings.job_network,
                  tmpfs_mb=settings.job_tmpfs_mb)


class DockerBackend:
    """Runs each job in its own container; one Docker client per backend instance.

    With `pool_sizes`, a ContainerPool keeps started containers ready per language; a job
    with the default limits takes one (a pool hit) instead of starting one cold.
    """

    name = "docker"
    sandboxed = True

    def __init__(self, settings: Settings, pool_sizes: dict[str, int] | None = None,
                 heartbeat: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.instance = instance_of(settings)
        self._client: docker.DockerClient | None = None
        self._client_lock = threading.Lock()
        self.remover = Remover()
        self.pool = ContainerPool(pool_sizes, self._start_pooled, heartbeat) if pool_sizes else None
        self.warm = WarmRegistry(self._start_warm, settings.warm_max_jobs, settings.warm_max_age_s,
                                 self.remover.remove, _attached)

    @property
    def client(self) -> docker.DockerClient:
        """The engine client, created on first use (so building a backend does no I/O)."""
        with self._client_lock:
            if self._client is None:
                self._client = docker.DockerClient(base_url=self.settings.docker_url)
                # The engine is never reached through an HTTP proxy or with .netrc credentials:
                # skip looking for them (environment and files) on every call.
                self._client.api.trust_env = False
            return self._client

    def run(self, spec: RunSpec, on_output: OutputCallback,
            cancel: threading.Event) -> RunOutcome:
        started = None
        try:
            language = languages.get_language(spec.language)
            if self._runs_warm(spec, language):
                return self._run_warm(spec, language, language.envelope(spec), on_output, cancel)
            started = self._take(spec) or self._start(language, spec.limits, {JOB_LABEL: spec.job_id})
            envelope = language.envelope(replace(spec, linger=self._linger_pays(language.name)))
            outcome = self._supervise(started, spec, language, envelope, on_output, cancel)
            outcome.pool_hit = started.pooled
            return outcome
        except Exception as exc:  # a backend reports failures as outcomes, never raises
            return sandbox_failure(exc)
        finally:
            if started is not None:
                self.remover.remove(started)

    def _linger_pays(self, language: str) -> bool:
        """Whether a used container should linger until its removal, so that stopping it waits
        for a pause in the load: only in a burst. Under sustained load (removals no longer
        wait for a pause, or jobs outrun the pool) no pause comes, and a container that exits
        on its own costs the engine less than one stopped running (measured: ~30 ms of CPU
        per job, a tenth of a container's life cycle)."""
        if self.remover.falling_behind:
            return False
        return self.pool is None or not self.pool.running_low(language)

    def discard(self, job_id: str) -> None:
        """Remove the container of a job whose worker died (found by its label)."""
        for container in self._list({"label": f"{JOB_LABEL}={job_id}"}):
            _remove(container)

    def reap_orphans(self, owner_alive: Callable[[str], bool]) -> int:
        """Remove pooled containers (idle or busy) of worker processes that stopped beating,
        and exited job containers whose removal never came (their worker died first).

        A container younger than the owner key's lifetime is left alone: its owner may not
        have written its first heartbeat yet, or its removal may still be queued.
        """
        reaped, cutoff = 0, time.time() - OWNER_TTL_S
        for container in self._list({"label": [MANAGED_LABEL, f"{INSTANCE_LABEL}={self.instance}"]}):
            labels = container.attrs.get("Labels") or {}
            if container.attrs.get("Created", 0) >= cutoff:
                continue
            exited = container.attrs.get("State") in ("exited", "dead", "created")
            if exited or (POOL_LABEL in labels and not owner_alive(labels[POOL_LABEL])):
                _remove(container)
                reaped += 1
        return reaped

    def _list(self, filters: dict[str, str]) -> list[Container]:
        # sparse: no inspect per container, so one vanishing meanwhile cannot fail the listing
        return self.client.containers.list(all=True, sparse=True, filters=filters)

    def _take(self, spec: RunSpec) -> Started | None:
        if self.pool is None or not _same_limits(spec.limits, default_limits(self.settings)):
            return None
        while (started := self.pool.take(spec.language)) is not None:
            if _attached(started):
                return started
            # Died while waiting: an engine restart kills them all, so check the others now
            # (and refill) rather than let each later job find a dead one.
            self.remover.remove(started)
            for dead in self.pool.purge(lambda other: _running(other.container)):
                self.remover.remove(dead)
        return None

    def _start(self, language: languages.Language, limits: Limits, labels: dict[str, str],
               command: list[str] | None = None) -> Started:
        image = self.settings.image_for(language.name)
        linger = self.settings.job_linger_s if command is None else 0  # a warm server never lingers
        labels = {**labels, INSTANCE_LABEL: self.instance}
        config = container_config(language, image, limits, labels, command, self.settings.deps_volume, linger)
        container = create_container(self.client, config)
        try:
            # Attach before start: output printed right away is not missed.
            sock = self.client.api.attach_socket(
                container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            container.start()
        except Exception:
            _remove(container)
            raise
        return Started(container, sock)

    def _start_pooled(self, language_name: str, labels: dict[str, str]) -> Started:
        return self._start(languages.get_language(language_name), default_limits(self.settings), labels)

    def _runs_warm(self, spec: RunSpec, language: languages.Language) -> bool:
        return (spec.isolation == "warm" and bool(spec.domain) and language.warm_command() is not None
                and _same_limits(spec.limits, default_limits(self.settings)))

    def _start_warm(self, language_name: str, domain: str) -> WarmContainer:
        language = languages.get_language(language_name)
        started = self._start(language, default_limits(self.settings),
                              {WARM_LABEL: domain_label(domain)}, language.warm_command())
        return WarmContainer(started, domain, frames_iter(started.sock, tty=False))

    def _run_warm(self, spec: RunSpec, language: languages.Language, envelope: bytes,
                  on_output: OutputCallback, cancel: threading.Event) -> RunOutcome:
        warm = self.warm.acquire(language.name, spec.domain)
        outcome = self._supervise(warm.started, spec, language, envelope, on_output, cancel,
                                  frames=warm.frames)
        outcome.isolation = "warm"
        self.warm.release(language.name, warm, outcome.success)
        return outcome

    def _supervise(self, started: Started, spec: RunSpec, language: languages.Language,
                   envelope: bytes, on_output: OutputCallback, cancel: threading.Event,
                   frames: Iterator[tuple[int, bytes]] | None = None) -> RunOutcome:
        """Send the envelope and collect the output until it is complete (the end marker and
        a whole frame), or until the container's streams close."""
        container, sock = started.container, started.sock
        frames = frames if frames is not None else frames_iter(sock, tty=False)
        logs = LogStream(on_output)
        result = ResultBuffer(self.settings.max_result_bytes)
        end = EndMarker(language.end_marker(spec))
        with Watchdog(spec.limits.timeout_s, cancel, lambda: _kill(container)) as watchdog:
            _raw(sock).sendall(envelope)
            for stream, data in frames:
                if stream == STDOUT:
                    result.feed(data)
                else:
                    logs.feed(end.filter(data))
                if end.seen and (result.complete_line or result.too_large):
                    break  # all output is in: no need to wait for the container to stop
            logs.feed(end.flush())
            if end.seen and (result.complete_line or result.too_large):
                exit_code = language.completed_status(result.getvalue())
            else:
                exit_code = container.wait()["StatusCode"]
        logs.close()
        return final_outcome(language, spec.limits, verdict=watchdog.verdict,
                             exit_code=exit_code, result=result,
                             oom_killed=exit_code != 0 and _oom_killed(container, exit_code, result))


def _same_limits(a: Limits, b: Limits) -> bool:
    """Equal but for the timeout, which the watchdog enforces whatever the container."""
    return replace(a, timeout_s=0) == replace(b, timeout_s=0)


def _running(container: Container) -> bool:
    try:
        container.reload()
    except Exception:
        return False
    return container.status == "running"


def _attached(started: Started) -> bool:
    """Whether a pooled container is still alive, asked of its attach socket rather than the
    engine (no round trip on a pool hit). The stream ends when the container dies or the
    engine restarts; a wrapper waiting for its envelope writes nothing, so a socket with
    nothing to read is alive. If output did come, the engine decides."""
    raw = _raw(started.sock)
    try:
        readable, _, _ = select.select([raw], [], [], 0)
        if not readable:
            return True
        if raw.recv(1, socket.MSG_PEEK) == b"":
            return False
    except (OSError, ValueError):  # closed
        return False
    return _running(started.container)


def _raw(sock: Any) -> Any:
    """The socket under docker-py's attach wrapper, blocking (a job may be quiet for long)."""
    raw = getattr(sock, "_sock", sock)
    raw.settimeout(None)
    return raw


def _oom_killed(container: Container, exit_code: int, result: ResultBuffer) -> bool:
    container.reload()
    if container.attrs["State"].get("OOMKilled"):
        return True
    # A SIGKILL we did not send, with no result frame, is the OOM killer too (cgroup v1
    # does not always flag it when it picked a child of the wrapper).
    return exit_code == KILLED_BY_SIGKILL and result.size == 0


def _kill(container: Container) -> None:
    try:
        container.kill()
    except APIError as exc:  # it may have exited on its own meanwhile
        log.debug("kill %s: %s", container.short_id, exc)


def _remove(container: Container) -> None:
    try:
        container.remove(force=True)
    except NotFound:
        pass
    except Exception:  # logged, not raised: the janitor removes labelled leftovers
        log.exception("could not remove job container %s", container.short_id)
