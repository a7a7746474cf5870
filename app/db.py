"""Engine and session factory, shared by the web app, the worker and the CLI."""
from __future__ import annotations

import select
from contextlib import contextmanager
from functools import cached_property
from typing import Any, Iterator

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def _enable_sqlite_pragmas(engine: Engine) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the worker write while the web reads.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()


def _check_socket_on_checkout(engine: Engine) -> None:
    """A pooled connection leaves the pool only if its socket has nothing to read.

    An idle Postgres connection receives nothing; when the server ends it (a restart, an
    administrator, an idle timeout) it sends its last words and closes, so the socket turns
    readable. Asking the socket costs a system call where SQLAlchemy's pre-ping costs a
    round trip per session, several per request or job. A connection found dead is
    replaced by the pool before anyone uses it. (A peer that vanished without closing is
    caught by neither check before the statement's own timeout.)"""
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        try:
            readable, _, _ = select.select([dbapi_conn.fileno()], [], [], 0)
        except Exception as exc:  # closed: psycopg2 raises InterfaceError
            raise DisconnectionError(f"connection closed: {exc}") from exc
        if readable:
            raise DisconnectionError("the server closed the connection (or spoke unasked)")


class Database:
    """One engine and one session factory for a given URL (and, made when first needed, a
    second engine for statements that are each a transaction of their own)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = self._create_engine()
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.scoped = scoped_session(self.session_factory)

    def _create_engine(self, **options: Any) -> Engine:
        is_sqlite = self.url.startswith("sqlite")
        kwargs = {"connect_args": {"check_same_thread": False}} if is_sqlite else {
            "pool_size": 10, "max_overflow": 20}
        engine = create_engine(self.url, **kwargs, **options)
        if is_sqlite:
            _enable_sqlite_pragmas(engine)
        else:
            _check_socket_on_checkout(engine)
        return engine

    @cached_property
    def autocommit_engine(self) -> Engine:
        """The engine of `statement` (its connections stay in autocommit mode)."""
        # Its own pool of connections that stay in autocommit mode: switching a pooled
        # connection back and forth costs SQLAlchemy more than the round trips saved.
        return self._create_engine(isolation_level="AUTOCOMMIT")

    @contextmanager
    def statement(self) -> Iterator[Connection]:
        """A connection whose every statement is a transaction of its own, for the hot
        paths' single statements (a job's claim, its final update, a read of its outcome).
        A transaction block costs two more round trips, BEGIN and COMMIT (or ROLLBACK):
        about 0.2 ms each time, on loopback."""
        with self.autocommit_engine.connect() as connection:
            yield connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short unit of work: committed on success, rolled back on error, always closed."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.scoped.remove()
        self.engine.dispose()
        if "autocommit_engine" in self.__dict__:
            self.autocommit_engine.dispose()
