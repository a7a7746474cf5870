"""Where dependency tools run: a short-lived container per call, or a host process.

Each language's tool (images/python/deps.py, images/typescript/deps.ts, the Go wrapper's
`build` mode) takes a verb and its arguments, reads its input on stdin, prints its answer on
stdout and its complaints on stderr. `DockerTools` runs it in a fresh container from the
language's runner image with the dependency volume mounted read-write, the CA bundle (if
any) mounted and trusted, and `settings.deps_network`; `LocalTools` runs it on the host
for the unsandboxed local backend, with the cache under `data_dir/deps`.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from docker.utils.socket import STDOUT, frames_iter

from config import Settings
from worker.deps.errors import DependencyError
from worker.languages.base import IMAGES_DIR, WRAPPER_DIR_IN_IMAGE
from worker.sandbox.base import DEPS_MOUNT, FailureKind
from worker.sandbox.supervision import Watchdog

CA_MOUNT = "/etc/taskmill-ca.crt"
"""Where an install container finds `settings.ca_bundle`."""
CA_COMBINED = "/tmp/taskmill-ca-bundle.pem"
"""The system bundle plus the extra CA, assembled in the install container."""
DEPS_LABEL = "taskmill.deps"
"""Label of install and build containers, beside the managed label the janitor knows."""
MANAGED_LABEL = "taskmill.managed"
DEPS_USER = "10002:10002"
"""Owner of the volume's contents (the images create its mount point so), not the jobs'
`runner` (10001): jobs read and run what is installed, but cannot list the language folders
(mode 0711), so a job cannot find another script's Go binary without knowing its code."""
TMPFS_MB = 1024
"""Scratch space of an install or build container (pip's unpacking, Go's build cache)."""
PIDS = 512

IMAGE_TOOLS = {"python": ["python3", f"{WRAPPER_DIR_IN_IMAGE}/deps.py"],
               "typescript": ["bun", f"{WRAPPER_DIR_IN_IMAGE}/deps.ts"],
               "go": [f"{WRAPPER_DIR_IN_IMAGE}/go-wrapper"]}
"""Each language's dependency tool inside its runner image."""


def host_tool(language: str) -> list[str]:
    """The same tool run from this repository on the host."""
    return {"python": [sys.executable, str(IMAGES_DIR / "python" / "deps.py")],
            "typescript": ["bun", str(IMAGES_DIR / "typescript" / "deps.ts")],
            "go": ["go", "run", str(IMAGES_DIR / "go" / "wrapper.go")]}[language]


@dataclass
class ToolResult:
    status: int
    stdout: str
    stderr: str


class Tools(Protocol):
    root: str
    """The cache's root as the tools and the jobs see it."""
    cache_id: str
    """Names the cache itself (two backends with the same id share their environments)."""

    def run(self, language: str, arguments: list[str], stdin: str, *, network: bool,
            cancel: threading.Event) -> ToolResult:
        """Run the language's tool to completion; raises DependencyError on timeout/cancel."""
        ...

    def remove(self, language: str, key: str) -> None:
        """Delete the environment (or binary folder) `<root>/<language>/<key>`, if any; it is
        first renamed out of the way, so no install or job ever finds half of it (what a
        crashed removal left so goes with the next removal in the same folder)."""
        ...


REMOVED_GLOB = ".removed-*"
"""What a removal renames a folder to before deleting it."""
REMOVE_SCRIPT = ('cd "$1" 2>/dev/null || exit 0; if [ -e "$2" ]; then mv "$2" ".removed-$2-$3"; fi '
                 '&& rm -rf ./.removed-*')


class DockerTools:
    def __init__(self, settings: Settings, client: Any, labels: dict[str, str]) -> None:
        self.settings, self.client, self.labels = settings, client, labels
        self.root, self.cache_id = DEPS_MOUNT, f"docker:{settings.deps_volume}"

    def run(self, language: str, arguments: list[str], stdin: str, *, network: bool,
            cancel: threading.Event) -> ToolResult:
        api = self.client.api
        # The low-level API: a container created attached has StdinOnce, so our EOF is the tool's.
        container = api.create_container(**self._config(language, IMAGE_TOOLS[language] + arguments,
                                                         network))["Id"]
        try:
            sock = api.attach_socket(container, params={"stdin": 1, "stdout": 1, "stderr": 1,
                                                        "stream": 1})
            api.start(container)
            with Watchdog(self.settings.deps_timeout_s, cancel, lambda: api.kill(container)) as watchdog:
                raw = getattr(sock, "_sock", sock)
                raw.settimeout(None)
                raw.sendall(stdin.encode())
                raw.shutdown(socket.SHUT_WR)
                out, err = bytearray(), bytearray()
                for stream, data in frames_iter(sock, tty=False):
                    (out if stream == STDOUT else err).extend(data)
                status = api.wait(container)["StatusCode"]
            sock.close()
        finally:
            api.remove_container(container, force=True)
        _check_verdict(watchdog.verdict, self.settings)
        return ToolResult(status, out.decode(errors="replace"), err.decode(errors="replace"))

    def remove(self, language: str, key: str) -> None:
        api = self.client.api
        command = ["sh", "-c", REMOVE_SCRIPT, "sh", f"{self.root}/{language}", key, uuid.uuid4().hex[:8]]
        container = api.create_container(**self._config(language, command, network=False))["Id"]
        try:
            api.start(container)
            status = api.wait(container, timeout=self.settings.deps_timeout_s)["StatusCode"]
            if status != 0:
                complaint = api.logs(container, stdout=False, stderr=True).decode(errors="replace")
                raise DependencyError(f"could not remove {language} environment {key}: {complaint.strip()}")
        finally:
            api.remove_container(container, force=True)

    def _config(self, language: str, command: list[str], network: bool) -> dict[str, Any]:
        binds = [f"{self.settings.deps_volume}:{DEPS_MOUNT}:rw"]
        environment = {}
        if self.settings.ca_bundle:
            binds.append(f"{os.path.abspath(self.settings.ca_bundle)}:{CA_MOUNT}:ro")
            environment = {"PIP_CERT": CA_COMBINED, "SSL_CERT_FILE": CA_COMBINED,
                           "REQUESTS_CA_BUNDLE": CA_COMBINED, "NODE_EXTRA_CA_CERTS": CA_MOUNT}
            command = ["sh", "-c", f"cat /etc/ssl/certs/ca-certificates.crt {CA_MOUNT} "
                       f"> {CA_COMBINED} && exec \"$@\"", "sh", *command]
        memory = f"{self.settings.deps_memory_mb}m"
        host_config = self.client.api.create_host_config(
            binds=binds, read_only=True,
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={TMPFS_MB}m,mode=1777"},
            mem_limit=memory, memswap_limit=memory, pids_limit=PIDS,
            network_mode=self.settings.deps_network if network else "none",
            cap_drop=["ALL"], security_opt=["no-new-privileges"])
        return dict(image=self.settings.image_for(language), command=command, user=DEPS_USER,
                    stdin_open=True, environment=environment,  # not detached: StdinOnce
                    labels={**self.labels, DEPS_LABEL: language, MANAGED_LABEL: "1"},
                    host_config=host_config)


class LocalTools:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = str(settings.data_path / "deps")
        self.cache_id = f"local:{self.root}"

    def run(self, language: str, arguments: list[str], stdin: str, *, network: bool,
            cancel: threading.Event) -> ToolResult:
        Path(self.root).mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(host_tool(language) + arguments, env=self._environment(),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        with Watchdog(self.settings.deps_timeout_s, cancel,
                      lambda: os.killpg(process.pid, signal.SIGKILL)) as watchdog:
            out, err = process.communicate(stdin)
        _check_verdict(watchdog.verdict, self.settings)
        return ToolResult(process.returncode, out, err)

    def remove(self, language: str, key: str) -> None:
        folder = Path(self.root) / language / key
        try:
            folder.rename(folder.with_name(f".removed-{key}-{uuid.uuid4().hex[:8]}"))
        except FileNotFoundError:
            pass
        for trash in folder.parent.glob(REMOVED_GLOB):
            shutil.rmtree(trash, ignore_errors=True)

    def _environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "TMPDIR", "PIP_CERT", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS",
                "REQUESTS_CA_BUNDLE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONFIG_FILE",
                "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                "GOROOT", "GOCACHE", "GOPATH")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        if self.settings.ca_bundle:
            env.update(PIP_CERT=self.settings.ca_bundle, SSL_CERT_FILE=self.settings.ca_bundle,
                       REQUESTS_CA_BUNDLE=self.settings.ca_bundle,
                       NODE_EXTRA_CA_CERTS=self.settings.ca_bundle)
        return env


def _check_verdict(verdict: FailureKind | None, settings: Settings) -> None:
    if verdict is FailureKind.CANCELED:
        raise DependencyError("canceled while preparing dependencies", FailureKind.CANCELED)
    if verdict is FailureKind.TIMEOUT:
        raise DependencyError(f"preparing dependencies took longer than "
                              f"{settings.deps_timeout_s:g} s (TASKMILL_DEPS_TIMEOUT_S)")
