"""Alembic environment: the URL comes from the config object built by app.migrate."""
from alembic import context

from app.models import Base

config = context.config


def run() -> None:
    connectable = config.attributes.get("connection")
    url = config.get_main_option("sqlalchemy.url")
    if connectable is None:
        from sqlalchemy import create_engine
        connectable = create_engine(url)
    with connectable.connect() if hasattr(connectable, "connect") else connectable as conn:
        context.configure(connection=conn, target_metadata=Base.metadata,
                          render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run()
