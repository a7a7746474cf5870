"""Engine and session factory, shared by the web app, the worker and the CLI."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
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


class Database:
    """One engine and one session factory for a given URL."""

    def __init__(self, url: str, pre_ping: bool = True) -> None:
        """`pre_ping`: test each connection as it leaves the pool (one round trip per session).
        The worker turns it off: its many short sessions per job pay for it on every job,
        while a connection that died with a database restart costs one failed statement,
        after which SQLAlchemy drops every older pooled connection, and its tasks retry."""
        self.url = url
        is_sqlite = url.startswith("sqlite")
        kwargs = {"connect_args": {"check_same_thread": False}} if is_sqlite else {
            "pool_pre_ping": pre_ping, "pool_size": 10, "max_overflow": 20}
        self.engine = create_engine(url, **kwargs)
        if is_sqlite:
            _enable_sqlite_pragmas(self.engine)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.scoped = scoped_session(self.session_factory)

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
