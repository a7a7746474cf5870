"""Queries shared by the versioned, path-addressed items (scripts, flows): one row per
version, the newest row of a path is its latest version. Access checks stay with callers."""
from __future__ import annotations

from functools import cache
from typing import TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

Item = TypeVar("Item")


def newest(session: Session, model: type[Item], ws_id: str, path: str) -> Item | None:
    """The latest version at `path`, archived or not."""
    return session.scalars(_newest_query(model), {"ws_id": ws_id, "path": path}).first()


@cache
def _newest_query(model: type) -> Select:
    # Built once per model: a run looks its script up by path, and building the statement
    # and its cache key costs about as much as executing it.
    return (select(model).where(model.workspace_id == bindparam("ws_id"), model.path == bindparam("path"))
            .order_by(model.id.desc()).limit(1))


def newest_per_path(session: Session, model: type[Item], ws_id: str, *, path_prefix: str = "",
                    include_archived: bool = False) -> list[Item]:
    """The latest version of every path in the workspace, ordered by path."""
    latest_ids = (select(model.path, func.max(model.id).label("id"))
                  .where(model.workspace_id == ws_id).group_by(model.path).subquery())
    query = select(model).join(latest_ids, model.id == latest_ids.c.id)
    if path_prefix:
        query = query.where(model.path.startswith(path_prefix, autoescape=True))
    if not include_archived:
        query = query.where(model.archived.is_(False))
    return list(session.scalars(query.order_by(model.path)))


def all_versions(session: Session, model: type[Item], ws_id: str, path: str) -> list[Item]:
    """Every version at `path`, newest first."""
    query = select(model).where(model.workspace_id == ws_id, model.path == path)
    return list(session.scalars(query.order_by(model.id.desc())))
