"""Shared fixtures: real Postgres and Redis, the Flask app, small factories.

Each test starts from empty tables and an empty Redis database. The services themselves
are started by `make test` (scripts/services.sh).
"""
from __future__ import annotations

import functools
import os
from typing import Any

import psycopg2
import pytest
import redis
from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.db import Database
from app.migrate import upgrade
from app.authz import load_actor
from app.models import Base, Role, User
from app.services import accounts, scripts, tokens
from app.services.scripts import ScriptDraft
from config import is_ci, load_settings

PG_ADMIN_DSN = os.environ.get("TASKMILL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
pytest_plugins = ["tests.processes", "tests.browsers"]

TEST_DB = os.environ.get("TASKMILL_TEST_DB", "taskmill_test")
TEST_REDIS = os.environ.get("TASKMILL_TEST_REDIS", "redis://127.0.0.1:6379/9")


def _recreate_database() -> None:
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{TEST_DB}"')
    conn.close()


def test_env(tmp_path_factory: pytest.TempPathFactory | None = None, **extra: str) -> dict[str, str]:
    """TASKMILL_* variables that point a subprocess (worker, server) at the test services."""
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    env = {
        "TASKMILL_PROFILE": "test",
        "TASKMILL_DATABASE_URL": f"{base.replace('postgresql://', 'postgresql+psycopg2://')}/{TEST_DB}",
        "TASKMILL_REDIS_URL": TEST_REDIS,
        "TASKMILL_SECRET_KEY": "test-secret-key",
        # One key for the test process and its servers and workers, so each decrypts the others' secrets.
        "TASKMILL_ENCRYPTION_KEYS": "dGFza21pbGwgdGVzdCBzdWl0ZSBmZXJuZXQga2V5ISE=",
        # CI must exercise real containers; elsewhere a machine without Docker falls back.
        "TASKMILL_SANDBOX": "docker" if is_ci() else os.environ.get("TASKMILL_SANDBOX", "auto"),
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory):
    _recreate_database()
    data_dir = str(tmp_path_factory.mktemp("data"))
    settings = load_settings(test_env(), data_dir=data_dir)
    upgrade(settings.resolved_database_url())
    return settings


@pytest.fixture(scope="session")
def db(settings) -> Database:
    database = Database(settings.resolved_database_url())
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> None:
    if "settings" not in request.fixturenames:
        return
    database = request.getfixturevalue("db")
    names = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with database.session() as session:
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    redis.Redis.from_url(TEST_REDIS).flushdb()


@pytest.fixture(scope="session")
def app(settings):
    flask_app = create_app(settings)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture()
def client(app):
    return app.test_client()


@functools.cache
def _password_hash(password: str) -> str:
    """Hashing is slow on purpose; tests hash each distinct password once."""
    return generate_password_hash(password)


class Factory:
    """Small builders for the objects tests need, committed to the real database."""

    def __init__(self, db: Database, settings) -> None:
        self.db, self.settings = db, settings

    def workspace(self, ws_id: str = "main") -> str:
        with self.db.session() as session:
            return accounts.create_workspace(session, ws_id, ws_id.title()).id

    def user(self, username: str = "alice", *, ws_id: str | None = "main",
             role: Role = Role.DEVELOPER, password: str = "correct horse", superadmin: bool = False):
        with self.db.session() as session:
            user = User(username=username, email=f"{username}@example.com", is_superadmin=superadmin,
                        password_hash=_password_hash(password))
            session.add(user)
            session.flush()
            if ws_id:
                accounts.add_member(session, ws_id, user, role)
            return user

    def token(self, user, **kwargs: Any) -> str:
        with self.db.session() as session:
            return tokens.create(session, user, "test", **kwargs)[1]

    def actor(self, session, username: str = "alice", ws_id: str = "main"):
        user = session.scalars(select(User).filter_by(username=username)).one()
        return load_actor(session, ws_id, user)

    def script(self, path: str, content: str, *, language: str = "python", author: str = "alice",
               ws_id: str = "main", **draft: Any):
        """A script saved through the service, as `author` (who must be allowed to)."""
        with self.db.session() as session:
            return scripts.create(session, self.actor(session, author, ws_id), path,
                                  ScriptDraft(language=language, content=content, **draft))


@pytest.fixture()
def factory(db, settings) -> Factory:
    return Factory(db, settings)


@pytest.fixture()
def auth(factory) -> dict[str, str]:
    """Headers of a developer in workspace `main`."""
    factory.workspace("main")
    user = factory.user("alice")
    return {"Authorization": f"Bearer {factory.token(user)}"}
