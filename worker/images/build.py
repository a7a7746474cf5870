"""Build Taskmill's runner images without a registry.

    python -m worker.images.build [--force] [language ...]

The base image (`settings.base_image`) is made by debootstrap and `docker import`; each
language image (`settings.image_for(name)`) is built from `images/<name>/Dockerfile` FROM it.
Existing images are kept unless `--force`, or unless their build context changed: every
language image carries a label with the hash of the context it was built from.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docker
from docker.errors import DockerException, ImageNotFound

from config import Settings, load_settings
from worker.languages import LANGUAGES, Language

CONTEXT_LABEL = "taskmill.context"
"""Image label holding the hash of the build context (and base image) it was built from."""
SDK_PACKAGE = Path(__file__).resolve().parents[2] / "sdk" / "taskmill"
"""The SDK's source in this repository."""
CA_FILE = "taskmill-ca.crt"
"""The extra CA bundle in every build context; empty when `settings.ca_bundle` is unset."""
ANSI_COLOR = re.compile(r"\x1b\[[0-9;]*m")
"""The engine colours build stderr; progress lines are printed plain."""
SUITE = "bookworm"
"""Debian release of the base image (its python3 is 3.11, like the worker's)."""


class ImageBuildError(RuntimeError):
    """An image could not be built; the message says which and why."""


def image_id(client: docker.DockerClient, name: str) -> str | None:
    """The id of image `name`, or None when it does not exist."""
    try:
        return client.images.get(name).id
    except ImageNotFound:
        return None


def build_base(client: docker.DockerClient, settings: Settings, force: bool = False) -> None:
    """Make the base image from a minimal debootstrap of Debian, unless it exists."""
    name = settings.base_image
    if image_id(client, name) and not force:
        print(f"{name}: exists")
        return
    print(f"{name}: debootstrap {SUITE} from {settings.debian_mirror} ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="taskmill-base-", dir="/var/tmp") as tmp:
        rootfs, tarball = Path(tmp) / "rootfs", Path(tmp) / "rootfs.tar"
        _check(["debootstrap", "--variant=minbase", "--include=ca-certificates",
                SUITE, str(rootfs), settings.debian_mirror])
        _check(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tarball), "."])
        repository, _, tag = name.partition(":")
        client.api.import_image(src=str(tarball), repository=repository, tag=tag or "latest")
    print(f"{name}: imported")


def _check(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise ImageBuildError(f"{command[0]} failed with code {result.returncode}:\n{tail}")


def prepare_context(language: Language, settings: Settings, into: Path) -> None:
    """Copy the language's folder into `into`, plus the CA bundle (or an empty file) and,
    for languages that bundle it, the SDK package (so `import taskmill` works in jobs)."""
    shutil.copytree(language.image_dir, into, dirs_exist_ok=True)
    if language.bundles_sdk:
        shutil.copytree(SDK_PACKAGE, into / "sdk" / "taskmill",
                        ignore=shutil.ignore_patterns("__pycache__"))
    ca_file = into / CA_FILE
    if settings.ca_bundle:
        shutil.copyfile(settings.ca_bundle, ca_file)
    else:
        ca_file.write_bytes(b"")


def context_hash(context: Path, base_id: str) -> str:
    """Hash of every file in the context and of the base image: changes trigger a rebuild."""
    digest = hashlib.sha256(base_id.encode())
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(context)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_language(client: docker.DockerClient, settings: Settings, language: Language,
                   force: bool = False) -> None:
    """Build the runner image of `language` unless an up-to-date one exists."""
    name = settings.image_for(language.name)
    base_id = image_id(client, settings.base_image) or ""
    with tempfile.TemporaryDirectory(prefix=f"taskmill-{language.name}-") as tmp:
        context = Path(tmp)
        prepare_context(language, settings, context)
        wanted = context_hash(context, base_id)
        if not force and _built_from(client, name) == wanted:
            print(f"{name}: up to date ({wanted})")
            return
        print(f"{name}: building ({wanted}) ...", flush=True)
        old_id = image_id(client, name)
        _docker_build(client, context, name, settings.base_image, wanted)
    print(f"{name}: built")
    if old_id and old_id != image_id(client, name):
        _remove_untagged(client, old_id)


def _built_from(client: docker.DockerClient, name: str) -> str | None:
    try:
        return (client.images.get(name).labels or {}).get(CONTEXT_LABEL)
    except ImageNotFound:
        return None


def _remove_untagged(client: docker.DockerClient, old_id: str) -> None:
    """Drop the image a rebuild replaced, unless something still uses it."""
    try:
        if not client.images.get(old_id).tags:
            client.images.remove(old_id)
    except DockerException as exc:
        print(f"  (kept the previous image {old_id[:19]}: {exc})")


def _docker_build(client: docker.DockerClient, context: Path, name: str, base: str,
                  context_id: str) -> None:
    # Host network: build containers reach the Debian mirror without any iptables NAT.
    events = client.api.build(path=str(context), tag=name, buildargs={"BASE_IMAGE": base},
                              labels={CONTEXT_LABEL: context_id}, network_mode="host",
                              rm=True, forcerm=True, pull=False, decode=True)
    for event in events:
        if "error" in event:
            raise ImageBuildError(f"{name}: {event['error'].strip()}")
        text = ANSI_COLOR.sub("", event.get("stream", "")).rstrip()
        if text:
            print(f"  {text}", flush=True)


def build_all(settings: Settings, names: list[str], force: bool = False) -> None:
    """Build the base image and the runner images of the languages `names`."""
    unknown = sorted(set(names) - set(LANGUAGES))
    if unknown:
        raise ImageBuildError(f"unknown languages {unknown}; known: {sorted(LANGUAGES)}")
    client = docker.DockerClient(base_url=settings.docker_url, timeout=600)
    try:
        build_base(client, settings, force)
        for name in names:
            build_language(client, settings, LANGUAGES[name], force)
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m worker.images.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rebuild images that exist")
    parser.add_argument("languages", nargs="*", help=f"default: all of {sorted(LANGUAGES)}")
    options = parser.parse_args(argv)
    try:
        build_all(load_settings(), options.languages or sorted(LANGUAGES), options.force)
    except (ImageBuildError, DockerException, OSError) as exc:
        print(f"image build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
