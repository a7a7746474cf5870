"""Docker backend: a fresh, locked-down container per job, from the language's runner image.

The container gets no Docker socket and no volumes, runs as the image's `runner` user with
a read-only root, a tmpfs /tmp, memory (no swap), CPU and PID limits, its own network mode
and no capabilities. The envelope goes in on stdin; stderr streams to the logs; stdout is
the result channel. The container is removed whatever happens.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import docker
from docker.errors import APIError, NotFound
from docker.models.containers import Container
from docker.utils.socket import STDOUT, frames_iter

from config import Settings
# A module import, not `from ... import`: worker.languages imports worker.sandbox.base,
# so either package may be the one still initializing when the other needs it.
import worker.languages as languages
from worker.sandbox.base import OutputCallback, RunOutcome, RunSpec
from worker.sandbox.supervision import (LogStream, ResultBuffer, Watchdog, final_outcome,
                                        sandbox_failure)

log = logging.getLogger(__name__)

RUNNER_USER = "10001:10001"
"""uid:gid of the `runner` user the Dockerfiles create; never root."""
JOB_LABEL = "taskmill.job"
MANAGED_LABEL = "taskmill.managed"
"""Every job container carries both labels, so a janitor can find and remove orphans."""
KILLED_BY_SIGKILL = 137
"""Exit status of a process killed with SIGKILL (128 + 9), e.g. by the OOM killer."""


def container_config(spec: RunSpec, language: languages.Language,
                     image: str) -> dict[str, Any]:
    """Keyword arguments of `containers.create` for one job."""
    limits = spec.limits
    memory = f"{limits.memory_mb}m"
    return dict(
        image=image, command=language.image_command(), user=RUNNER_USER,
        environment=dict(spec.env), stdin_open=True,
        labels={JOB_LABEL: spec.job_id, MANAGED_LABEL: "1"},
        # exec on /tmp: compiled languages run the binary they build there.
        read_only=True, tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=1777"},
        mem_limit=memory, memswap_limit=memory, nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids, network_mode=limits.network,
        cap_drop=["ALL"], security_opt=["no-new-privileges"],
    )


class DockerBackend:
    """Runs each job in its own container; one Docker client per backend instance."""

    name = "docker"
    sandboxed = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: docker.DockerClient | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> docker.DockerClient:
        """The engine client, created on first use (so building a backend does no I/O)."""
        with self._client_lock:
            if self._client is None:
                self._client = docker.DockerClient(base_url=self.settings.docker_url)
            return self._client

    def run(self, spec: RunSpec, on_output: OutputCallback,
            cancel: threading.Event) -> RunOutcome:
        container = None
        try:
            language = languages.get_language(spec.language)
            envelope = language.envelope(spec)
            config = container_config(spec, language, self.settings.image_for(language.name))
            container = self.client.containers.create(**config)
            return self._supervise(container, spec, language, envelope, on_output, cancel)
        except Exception as exc:  # a backend reports failures as outcomes, never raises
            return sandbox_failure(exc)
        finally:
            if container is not None:
                _remove(container)

    def discard(self, job_id: str) -> None:
        """Remove the container of a job whose worker died (found by its label)."""
        for container in self.client.containers.list(all=True, filters={"label": f"{JOB_LABEL}={job_id}"}):
            _remove(container)

    def _supervise(self, container: Container, spec: RunSpec,
                   language: languages.Language, envelope: bytes, on_output: OutputCallback,
                   cancel: threading.Event) -> RunOutcome:
        logs = LogStream(on_output)
        result = ResultBuffer(self.settings.max_result_bytes)
        # Attach before start: output printed right away is not missed.
        sock = self.client.api.attach_socket(
            container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        try:
            container.start()
            with Watchdog(spec.limits.timeout_s, cancel, lambda: _kill(container)) as watchdog:
                _raw(sock).sendall(envelope)
                for stream, data in frames_iter(sock, tty=False):
                    (result if stream == STDOUT else logs).feed(data)
                exit_code = container.wait()["StatusCode"]
        finally:
            sock.close()
        logs.close()
        return final_outcome(language, spec.limits, verdict=watchdog.verdict,
                             exit_code=exit_code, result=result,
                             oom_killed=_oom_killed(container, exit_code, result))


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
