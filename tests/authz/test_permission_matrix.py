"""Every API route, tried by each role and by a user of another workspace.

404 where the caller may not know the thing exists; 403 where they may see it but not do
this. A route missing from MATRIX fails `test_every_api_route_is_in_the_matrix`, so new
endpoints cannot skip the check.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests.authz.world import ROLES, World, build

A, D, O, X = ROLES  # admin, developer, operator, outsider


@dataclass(frozen=True)
class Case:
    method: str
    rule: str  # the Flask rule, to check coverage
    url: Callable[[World], str]
    expect: dict[str, int]
    body: Callable[[World], object] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


def codes(admin: int, developer: int, operator: int, outsider: int) -> dict[str, int]:
    return {A: admin, D: developer, O: operator, X: outsider}


W = "/api/w/main"
MATRIX = [
    Case("GET", "/api/whoami", lambda w: "/api/whoami", codes(200, 200, 200, 200)),
    Case("GET", "/api/tokens", lambda w: "/api/tokens", codes(200, 200, 200, 200)),
    Case("POST", "/api/tokens", lambda w: "/api/tokens", codes(201, 201, 201, 201),
         body=lambda w: {"label": "x"}),
    Case("POST", "/api/tokens", lambda w: "/api/tokens", codes(201, 201, 201, 404),
         body=lambda w: {"label": "x", "workspace_id": "main"}),
    Case("POST", "/api/tokens", lambda w: "/api/tokens", codes(201, 201, 201, 404),
         body=lambda w: {"label": "hook", "workspace_id": "main", "scope": "run",
                         "run_target": "script/f/ops/job"}),
    Case("POST", "/api/tokens", lambda w: "/api/tokens", codes(201, 404, 404, 404),
         body=lambda w: {"label": "hook", "workspace_id": "main", "scope": "run",
                         "run_target": "script/u/root/private"}),
    Case("DELETE", "/api/tokens/<int:token_id>", lambda w: "/api/tokens/999999", codes(404, 404, 404, 404)),
    Case("GET", "/api/w/<ws>/scripts", lambda w: f"{W}/scripts", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/scripts", lambda w: f"{W}/scripts", codes(201, 201, 403, 404),
         body=lambda w: {"path": "f/ops/new", "language": "bash", "content": "echo\n"}),
    Case("POST", "/api/w/<ws>/scripts", lambda w: f"{W}/scripts", codes(201, 403, 403, 404),
         body=lambda w: {"path": "f/finance/new", "language": "bash", "content": "echo\n"}),
    Case("POST", "/api/w/<ws>/scripts", lambda w: f"{W}/scripts", codes(201, 403, 403, 404),
         body=lambda w: {"path": "u/somebody/new", "language": "bash", "content": "echo\n"}),
    Case("GET", "/api/w/<ws>/scripts/p/<path:path>", lambda w: f"{W}/scripts/p/f/ops/job", codes(200, 200, 200, 404)),
    Case("GET", "/api/w/<ws>/scripts/p/<path:path>", lambda w: f"{W}/scripts/p/u/root/private", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/scripts/p/<path:path>", lambda w: f"{W}/scripts/p/f/ops/job", codes(200, 200, 403, 404),
         body=lambda w: {"language": "python", "content": "def main():\n    return 2\n"}),
    Case("POST", "/api/w/<ws>/scripts/p/<path:path>", lambda w: f"{W}/scripts/p/u/root/private", codes(200, 404, 404, 404),
         body=lambda w: {"language": "bash", "content": "echo 2\n"}),
    Case("GET", "/api/w/<ws>/scripts/h/<script_hash>", lambda w: f"{W}/scripts/h/{w.ids['ops_hash']}", codes(200, 200, 200, 404)),
    Case("GET", "/api/w/<ws>/scripts/h/<script_hash>", lambda w: f"{W}/scripts/h/{w.ids['private_hash']}", codes(200, 404, 404, 404)),
    Case("GET", "/api/w/<ws>/scripts/versions/p/<path:path>", lambda w: f"{W}/scripts/versions/p/f/ops/job", codes(200, 200, 403, 404)),
    Case("POST", "/api/w/<ws>/scripts/archive/p/<path:path>", lambda w: f"{W}/scripts/archive/p/f/ops/job", codes(200, 200, 403, 404)),
    Case("POST", "/api/w/<ws>/scripts/archive/p/<path:path>", lambda w: f"{W}/scripts/archive/p/u/root/private", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/jobs/run/p/<path:path>", lambda w: f"{W}/jobs/run/p/f/ops/job", codes(201, 201, 201, 404), body=lambda w: {}),
    Case("POST", "/api/w/<ws>/jobs/run/p/<path:path>", lambda w: f"{W}/jobs/run/p/u/root/private", codes(201, 404, 404, 404), body=lambda w: {}),
    Case("POST", "/api/w/<ws>/jobs/run/h/<script_hash>", lambda w: f"{W}/jobs/run/h/{w.ids['ops_hash']}", codes(201, 201, 201, 404), body=lambda w: {}),
    Case("POST", "/api/w/<ws>/jobs/run_wait_result/p/<path:path>", lambda w: f"{W}/jobs/run_wait_result/p/f/ops/job",
         codes(202, 202, 202, 404), body=lambda w: {}),
    Case("GET", "/api/w/<ws>/jobs", lambda w: f"{W}/jobs", codes(200, 200, 200, 404)),
    Case("GET", "/api/w/<ws>/jobs/<job_id>", lambda w: f"{W}/jobs/{w.ids['dev_job']}", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/jobs/<job_id>", lambda w: f"{W}/jobs/{w.ids['root_job']}", codes(200, 404, 404, 404)),
    Case("GET", "/api/w/<ws>/jobs/<job_id>/logs", lambda w: f"{W}/jobs/{w.ids['dev_job']}/logs", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/jobs/<job_id>/stream", lambda w: f"{W}/jobs/{w.ids['root_job']}/stream", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/jobs/<job_id>/cancel", lambda w: f"{W}/jobs/{w.ids['dev_job']}/cancel", codes(200, 200, 404, 404)),
    Case("POST", "/api/w/<ws>/jobs/<job_id>/cancel", lambda w: f"{W}/jobs/{w.ids['root_job']}/cancel", codes(200, 404, 404, 404)),
]
PUBLIC = {("GET", "/api/openapi.json")}


@pytest.fixture()
def world(factory, app) -> World:
    runtime = app.extensions["taskmill"]
    original = runtime.settings
    runtime.settings = original.replace(run_wait_timeout_s=0.05)  # allowed sync runs answer 202 at once
    yield build(factory)
    runtime.settings = original


def _call(client, case: Case, world: World, role: str):
    body = case.body(world) if case.body else None
    return client.open(case.url(world), method=case.method, json=body,
                       headers=world.headers[role], buffered=False)


@pytest.mark.parametrize("case", MATRIX, ids=[f"{i}:{c.id}" for i, c in enumerate(MATRIX)])
@pytest.mark.parametrize("role", ROLES)
def test_route_answers_each_role_as_the_model_says(client, world, case, role):
    response = _call(client, case, world, role)
    try:
        assert response.status_code == case.expect[role], (role, case.id, response.get_data(as_text=True)[:300])
    finally:
        response.close()


def test_every_api_route_is_in_the_matrix(app):
    covered = {(c.method, c.rule) for c in MATRIX} | PUBLIC
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set()
