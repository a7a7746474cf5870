"""Grants: who (a user or a group) holds which level on a target (a folder or one item).

The generic rows behind folder ACLs and item shares. These functions do not decide
access: `folders` and `shares` check the actor first, then call them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import NotFound, ValidationFailed
from app.models import Grant, Group, Level, PrincipalKind, TargetKind, User
from app.services import accounts

PRINCIPAL_FIELD = "principal"


@dataclass(frozen=True)
class PrincipalRef:
    """A resolved principal: its kind, database id and name."""

    kind: PrincipalKind
    id: int
    name: str

    def as_dict(self) -> dict[str, str]:
        return {self.kind.value: self.name}

    @property
    def label(self) -> str:
        """`user:bob` or `group:ops`, as the audit log names principals."""
        return f"{self.kind.value}:{self.name}"


@dataclass(frozen=True)
class GrantEntry:
    """One grant as callers see it: the user or group `name` holds `level`."""

    kind: PrincipalKind
    name: str
    level: Level
    created_at: datetime

    @property
    def principal(self) -> dict[str, str]:
        return {self.kind.value: self.name}


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": PRINCIPAL_FIELD, "message": message}])


def _group(session: Session, ws_id: str, name: str) -> Group | None:
    return session.scalars(select(Group).where(Group.workspace_id == ws_id, Group.name == name)).first()


def resolve(session: Session, ws_id: str, principal: Mapping[str, str | None]) -> PrincipalRef:
    """`{"user": name}` or `{"group": name}` as a principal of workspace `ws_id`.

    Raises ValidationFailed (field `principal`) for anything else, including a user who is
    not a member or a group of another workspace: a grant to them would mean nothing.
    """
    known = {k.value for k in PrincipalKind}
    given = [(key, value) for key, value in principal.items() if value]
    if set(principal) - known or len(given) != 1:
        raise _invalid('give exactly one of {"user": <username>} or {"group": <name>}')
    kind, name = PrincipalKind(given[0][0]), given[0][1]
    if kind == PrincipalKind.USER:
        found = accounts.member_user(session, ws_id, name)
    else:
        found = _group(session, ws_id, name)
    if found is None:
        raise _invalid(f"no {kind.value} {name!r} in this workspace")
    return PrincipalRef(kind=kind, id=found.id, name=name)


def _names(session: Session, kind: PrincipalKind, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    model, column = (User, User.username) if kind == PrincipalKind.USER else (Group, Group.name)
    return dict(session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def list_for(session: Session, ws_id: str, kind: TargetKind, target: str) -> list[GrantEntry]:
    """The grants on one target, groups first, then users, each by name."""
    rows = list(session.scalars(select(Grant).where(
        Grant.workspace_id == ws_id, Grant.target_kind == kind, Grant.target == target)))
    names = {k: _names(session, k, {g.principal_id for g in rows if g.principal_kind == k})
             for k in PrincipalKind}
    entries = [GrantEntry(kind=g.principal_kind, name=names[g.principal_kind][g.principal_id],
                          level=g.level, created_at=g.created_at)
               for g in rows if g.principal_id in names[g.principal_kind]]
    return sorted(entries, key=lambda e: (e.kind != PrincipalKind.GROUP, e.name))


def _find(session: Session, ws_id: str, kind: TargetKind, target: str, who: PrincipalRef) -> Grant | None:
    return session.scalars(select(Grant).where(
        Grant.workspace_id == ws_id, Grant.target_kind == kind, Grant.target == target,
        Grant.principal_kind == who.kind, Grant.principal_id == who.id)).first()


def set_level(session: Session, ws_id: str, kind: TargetKind, target: str, who: PrincipalRef,
              level: Level) -> Grant:
    """Give `who` exactly `level` on the target (replacing any level they held)."""
    grant = _find(session, ws_id, kind, target, who)
    if grant is None:
        grant = Grant(workspace_id=ws_id, target_kind=kind, target=target,
                      principal_kind=who.kind, principal_id=who.id, level=level)
        session.add(grant)
    grant.level = level
    session.flush()
    return grant


def remove(session: Session, ws_id: str, kind: TargetKind, target: str, who: PrincipalRef) -> None:
    """Take away `who`'s grant on the target; 404 if they held none."""
    grant = _find(session, ws_id, kind, target, who)
    if grant is None:
        raise NotFound(f"{who.kind.value} {who.name!r} has no access to {kind.value} {target!r}",
                       {PRINCIPAL_FIELD: who.as_dict()})
    session.delete(grant)
    session.flush()


def remove_for_principal(session: Session, ws_id: str, kind: PrincipalKind, principal_id: int) -> None:
    """Every grant a user or group holds in the workspace (they are leaving it)."""
    session.execute(delete(Grant).where(Grant.workspace_id == ws_id, Grant.principal_kind == kind,
                                        Grant.principal_id == principal_id))


def remove_for_target(session: Session, ws_id: str, kind: TargetKind, target: str) -> None:
    """Every grant on a target (it is being deleted)."""
    session.execute(delete(Grant).where(Grant.workspace_id == ws_id, Grant.target_kind == kind,
                                        Grant.target == target))
