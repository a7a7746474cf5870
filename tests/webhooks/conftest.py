"""Fixtures of webhook tests: a script that echoes what it gets, and a run token for it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import TokenScope, User

HOOK = "u/alice/hook"
HOOK_CODE = "def main(body=None, headers: dict = None, query: dict = None, n: int = 0):\n    return body\n"
RUN_URL = f"/api/w/main/jobs/run/p/{HOOK}"
SETTINGS_URL = f"/api/w/main/webhooks/p/{HOOK}"


@pytest.fixture()
def hook(factory, auth) -> str:
    factory.script(HOOK, HOOK_CODE, tag="unserved")
    factory.script("u/alice/other", "def main():\n    return 0\n", tag="unserved")
    return HOOK


@pytest.fixture()
def run_token(factory, hook) -> dict[str, str]:
    """Headers of a webhook: a run token whose only target is the hook script."""
    with factory.db.session() as session:
        alice = session.scalars(select(User).filter_by(username="alice")).one()
    secret = factory.token(alice, workspace_id="main", scope=TokenScope.RUN, run_target=f"script/{HOOK}")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def signing_secret(client, auth, hook) -> str:
    response = client.post(f"{SETTINGS_URL}/secret", headers=auth)
    assert response.status_code == 201, response.json
    return response.json["secret"]
