"""Migrations build the schema the models describe, on Postgres and on SQLite."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.migrate import upgrade
from app.models import Base


def test_postgres_schema_at_head_matches_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_run_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'taskmill.db'}"
    upgrade(url)
    upgrade(url)  # idempotent: a second start changes nothing
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
