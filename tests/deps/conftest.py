"""Fixtures for dependency tests: an executor per backend whose cache is this test session's
own (a Docker volume, or a folder under the session's data dir), and a `job` factory."""
from __future__ import annotations

import os
import time

import docker
import pytest
from docker.errors import APIError, NotFound
from sqlalchemy import select

from app.authz import load_actor
from app.models import Job, Script, User
from app.services import scripts
from app.services.jobs import Trigger, create_job
from app.services.scripts import ScriptDraft
from tests.conftest import TEST_DB
from tests.worker.conftest import require_docker
from worker.celery_app import make_celery
from worker.context import WorkerContext
from worker.executor import JobExecutor
from worker.sandbox import BACKENDS

TEST_VOLUME = f"taskmill-deps-{TEST_DB}"
"""This session's dependency volume: a first install in a test is a real first install."""
REMOVE_ATTEMPTS = 30


def remove_volume(settings, name: str = TEST_VOLUME) -> None:
    """Remove a dependency volume once the containers (of these tests) using it are gone;
    their removal may still be under way in a backend's remover thread."""
    client = docker.DockerClient(base_url=settings.docker_url)
    try:
        for _ in range(REMOVE_ATTEMPTS):
            for container in client.containers.list(all=True, filters={"volume": name}):
                try:
                    container.remove(force=True)
                except APIError:  # already being removed
                    pass
            try:
                client.volumes.get(name).remove(force=True)
                return
            except NotFound:
                return
            except APIError:  # still in use for a moment
                time.sleep(1)
        raise RuntimeError(f"volume {name} is still in use")
    finally:
        client.close()


@pytest.fixture(scope="session")
def deps_settings(settings):
    return settings.replace(deps_volume=TEST_VOLUME, ca_bundle=settings.ca_bundle or _host_bundle())


def _host_bundle() -> str:
    """The host's CA bundle, as `make images` gives the images: the install containers must
    trust a TLS-intercepting proxy on this machine too."""
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    return bundle if os.path.exists(bundle) else ""


@pytest.fixture(scope="session")
def docker_volume(deps_settings):
    """The session's volume, removed before and after (with every container using it gone)."""
    require_docker(deps_settings)
    remove_volume(deps_settings)
    yield TEST_VOLUME
    remove_volume(deps_settings)


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def backend_name(request) -> str:
    if request.param == "docker":
        request.getfixturevalue("docker_volume")
    return request.param


@pytest.fixture
def executor_for(backend_name, deps_settings, factory):
    """`executor_for()`: a fresh executor (as a new job's worker builds one) on the backend."""
    factory.workspace("main")
    factory.user("alice")
    context = WorkerContext(deps_settings, make_celery(deps_settings))
    backend = BACKENDS[backend_name](deps_settings)
    return lambda: JobExecutor(deps_settings, context.db, context.events, backend)


@pytest.fixture
def run_script(db, executor_for):
    """`run_script(path, code, language=..., **args)`: save the script (the same content
    again is the same version), run one job of it to the end, and return the job row."""

    def run(path: str, code: str, language: str = "python", **args) -> Job:
        with db.session() as session:
            alice = load_actor(session, "main", session.scalars(
                select(User).filter_by(username="alice")).one())
            draft = ScriptDraft(language=language, content=code)
            exists = session.scalars(select(Script.id).filter_by(path=path)).first() is not None
            script = (scripts.update if exists else scripts.create)(session, alice, path, draft)
            job_id = create_job(session, script, args, Trigger("api", alice)).id
        executor_for().execute(job_id)
        with db.session() as session:
            return session.get(Job, job_id)

    return run


def script_row(db, path: str) -> Script:
    with db.session() as session:
        return session.scalars(select(Script).filter_by(path=path).order_by(Script.id.desc())).first()
