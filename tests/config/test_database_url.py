"""Database URLs: a plain postgresql:// URL must use psycopg2, the driver Taskmill installs."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from config import Settings


@pytest.mark.parametrize("given", ["postgresql://u:p@db:5432/tm", "postgres://u:p@db:5432/tm",
                                   "postgresql+psycopg2://u:p@db:5432/tm"])
def test_postgres_urls_use_psycopg2(given):
    url = Settings(database_url=given).resolved_database_url()
    assert url == "postgresql+psycopg2://u:p@db:5432/tm"
    assert create_engine(url).dialect.driver == "psycopg2"  # no psycopg 3 import needed


def test_the_embedded_default_is_sqlite_in_the_data_dir(tmp_path):
    url = Settings(data_dir=str(tmp_path)).resolved_database_url()
    assert url == f"sqlite:///{tmp_path / 'taskmill.db'}"
