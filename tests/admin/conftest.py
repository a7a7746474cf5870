"""A small team for the administration tests: one user per role in `main`, plus an outsider.

    root   admin of main        alice  developer of main (the `auth` fixture's user)
    bob    developer of main    olga   operator of main
    eve    developer of `other` only
"""
from __future__ import annotations

import pytest

from app.models import Role

PYTHON_HELLO = "def main(name: str = 'world'):\n    return f'hello {name}'\n"
UNSERVED = "unserved"
"""A queue no worker serves: jobs these tests start stay queued."""


class Team:
    """Bearer headers by username, and a few request helpers."""

    def __init__(self, client, headers: dict[str, dict[str, str]]) -> None:
        self.client, self.headers = client, headers

    def call(self, method: str, url: str, who: str, **kwargs):
        return self.client.open(url, method=method, headers=self.headers[who], **kwargs)

    def get(self, url: str, who: str, **kwargs):
        return self.call("GET", url, who, **kwargs)

    def post(self, url: str, who: str, **kwargs):
        return self.call("POST", url, who, **kwargs)

    def put(self, url: str, who: str, **kwargs):
        return self.call("PUT", url, who, **kwargs)

    def patch(self, url: str, who: str, **kwargs):
        return self.call("PATCH", url, who, **kwargs)

    def delete(self, url: str, who: str, **kwargs):
        return self.call("DELETE", url, who, **kwargs)


@pytest.fixture()
def team(client, factory) -> Team:
    factory.workspace("main")
    factory.workspace("other")
    users = {"root": factory.user("root", role=Role.ADMIN), "alice": factory.user("alice"),
             "bob": factory.user("bob"), "olga": factory.user("olga", role=Role.OPERATOR),
             "eve": factory.user("eve", ws_id="other")}
    return Team(client, {name: {"Authorization": f"Bearer {factory.token(user)}"}
                         for name, user in users.items()})


def error_code(response) -> str:
    return response.json["error"]["code"]


def fields_of(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}
