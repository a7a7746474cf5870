"""Platform data services: a workspace with one user per role and small API helpers."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.models import Grant, Level, PrincipalKind, Role, TargetKind

W = "/api/w/main"


@dataclass
class Team:
    """Headers per user: admin root, developers alice and bob, operator olga."""

    root: dict[str, str]
    alice: dict[str, str]
    bob: dict[str, str]
    olga: dict[str, str]


@pytest.fixture()
def team(factory) -> Team:
    factory.workspace("main")
    users = {"root": factory.user("root", role=Role.ADMIN), "alice": factory.user("alice"),
             "bob": factory.user("bob"), "olga": factory.user("olga", role=Role.OPERATOR)}
    return Team(**{name: {"Authorization": f"Bearer {factory.token(user)}"} for name, user in users.items()})


def grant(factory, target_kind: TargetKind, target: str, username: str, level: Level) -> None:
    """Give `username` a level on a folder or an item, as the folder/share services would."""
    with factory.db.session() as session:
        user_id = factory.actor(session, username).user.id
        session.add(Grant(workspace_id="main", target_kind=target_kind, target=target,
                          principal_kind=PrincipalKind.USER, principal_id=user_id, level=level))


def post(client, headers, url: str, body, status: int):
    response = client.post(f"{W}{url}", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def get(client, headers, url: str, status: int = 200):
    response = client.get(f"{W}{url}", headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()

