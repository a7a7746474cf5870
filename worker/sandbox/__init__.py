"""Sandbox backends: where user code runs. A registry of plug-ins sharing `base.SandboxBackend`.

`make_backend(settings)` picks one from `settings.sandbox`: `docker`, `local`, or `auto`
(Docker when the engine answers and the runner images exist, else the unsandboxed local
backend, with a loud warning).
"""
from __future__ import annotations

import logging
from typing import Callable

# Names, not `import docker`: the submodule worker.sandbox.docker would shadow the package.
from docker import DockerClient
from docker.errors import DockerException

import worker.languages as languages  # a module import: see worker/sandbox/docker.py
from config import Settings
from worker.sandbox.base import SandboxBackend
from worker.sandbox.docker import DockerBackend
from worker.sandbox.local import LocalBackend

log = logging.getLogger(__name__)

BACKENDS: dict[str, Callable[[Settings], SandboxBackend]] = {
    DockerBackend.name: DockerBackend,
    LocalBackend.name: LocalBackend,
}
"""Every backend by name; each is built from the settings."""
PING_TIMEOUT_S = 3
"""How long `auto` waits for the engine before falling back to the local backend."""


def docker_available(settings: Settings) -> bool:
    """True when the engine at `settings.docker_url` answers and every runner image exists."""
    try:
        client = DockerClient(base_url=settings.docker_url, timeout=PING_TIMEOUT_S)
    except DockerException:
        return False
    try:
        client.ping()
        for language in languages.LANGUAGES:
            client.images.get(settings.image_for(language))
        return True
    except DockerException:
        return False
    finally:
        client.close()


def make_backend(settings: Settings, *, pool_heartbeat: Callable[[str], None] | None = None,
                 pooled: bool = False) -> SandboxBackend:
    """The backend `settings.sandbox` asks for (see the module docstring for `auto`).

    `pooled` (for processes that run jobs) gives the Docker backend its container pool.
    """
    choice = settings.sandbox
    if choice == "auto":
        choice = DockerBackend.name if docker_available(settings) else LocalBackend.name
        if choice == LocalBackend.name:
            log.warning("no Docker engine with runner images at %s: jobs run UNSANDBOXED as "
                        "host processes (build them: python -m worker.images.build)",
                        settings.docker_url)
    if choice == DockerBackend.name and pooled and settings.pool_size_map:
        return DockerBackend(settings, settings.pool_size_map, pool_heartbeat)
    return BACKENDS[choice](settings)


__all__ = ["BACKENDS", "DockerBackend", "LocalBackend", "docker_available", "make_backend"]
