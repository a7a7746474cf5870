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
    Case("POST", "/api/w/<ws>/jobs/run_many/p/<path:path>", lambda w: f"{W}/jobs/run_many/p/f/ops/job",
         codes(201, 201, 201, 404), body=lambda w: {"runs": [{}, {}]}),
    Case("POST", "/api/w/<ws>/jobs/run_many/p/<path:path>", lambda w: f"{W}/jobs/run_many/p/u/root/private",
         codes(201, 404, 404, 404), body=lambda w: {"runs": [{}]}),
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
    # Variables and resources are path items like scripts; operators hold no folder grant here.
    Case("GET", "/api/w/<ws>/variables", lambda w: f"{W}/variables", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/variables", lambda w: f"{W}/variables", codes(201, 201, 403, 404),
         body=lambda w: {"path": "f/ops/new", "value": "1"}),
    Case("POST", "/api/w/<ws>/variables", lambda w: f"{W}/variables", codes(201, 403, 403, 404),
         body=lambda w: {"path": "u/somebody/new", "value": "1", "is_secret": True}),
    Case("GET", "/api/w/<ws>/variables/p/<path:path>", lambda w: f"{W}/variables/p/f/ops/var", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/variables/p/<path:path>", lambda w: f"{W}/variables/p/u/root/secret", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/variables/p/<path:path>", lambda w: f"{W}/variables/p/f/ops/var", codes(200, 200, 404, 404),
         body=lambda w: {"value": "2"}),
    Case("DELETE", "/api/w/<ws>/variables/p/<path:path>", lambda w: f"{W}/variables/p/u/root/secret", codes(204, 404, 404, 404)),
    # Resource types are workspace-wide: every member reads, operators may not change them.
    Case("GET", "/api/w/<ws>/resource_types", lambda w: f"{W}/resource_types", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/resource_types", lambda w: f"{W}/resource_types", codes(201, 201, 403, 404),
         body=lambda w: {"name": "s3", "schema": {"type": "object"}}),
    Case("GET", "/api/w/<ws>/resource_types/<name>", lambda w: f"{W}/resource_types/pg", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/resource_types/<name>", lambda w: f"{W}/resource_types/pg", codes(200, 200, 403, 404),
         body=lambda w: {"description": "x"}),
    Case("DELETE", "/api/w/<ws>/resource_types/<name>", lambda w: f"{W}/resource_types/unused", codes(204, 204, 403, 404)),
    Case("GET", "/api/w/<ws>/resources", lambda w: f"{W}/resources", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/resources", lambda w: f"{W}/resources", codes(201, 201, 403, 404),
         body=lambda w: {"path": "f/ops/new", "resource_type": "pg", "value": {}}),
    Case("GET", "/api/w/<ws>/resources/p/<path:path>", lambda w: f"{W}/resources/p/f/ops/db", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/resources/p/<path:path>", lambda w: f"{W}/resources/p/u/root/db?resolve=true",
         codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/resources/p/<path:path>", lambda w: f"{W}/resources/p/f/ops/db", codes(200, 200, 404, 404),
         body=lambda w: {"value": {"a": 1}}),
    Case("DELETE", "/api/w/<ws>/resources/p/<path:path>", lambda w: f"{W}/resources/p/f/ops/db", codes(204, 204, 404, 404)),
    # State takes the right to run the script: the operator may run f/ops/job (shared read).
    Case("GET", "/api/w/<ws>/state/<path:key>", lambda w: f"{W}/state/script/f/ops/job", codes(200, 200, 200, 404)),
    Case("PUT", "/api/w/<ws>/state/<path:key>", lambda w: f"{W}/state/script/f/ops/job", codes(200, 200, 200, 404),
         body=lambda w: {"value": 2}),
    Case("PUT", "/api/w/<ws>/state/<path:key>", lambda w: f"{W}/state/script/u/root/private", codes(200, 404, 404, 404),
         body=lambda w: {"value": 2}),
    Case("DELETE", "/api/w/<ws>/state/<path:key>", lambda w: f"{W}/state/script/f/ops/job", codes(204, 204, 204, 404)),
    # Schedules are path items; the operator's share of the script gives nothing on its schedules.
    Case("GET", "/api/w/<ws>/schedules", lambda w: f"{W}/schedules", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/schedules", lambda w: f"{W}/schedules", codes(201, 201, 403, 404),
         body=lambda w: {"path": "f/ops/new", "cron": "0 * * * *", "script_path": "f/ops/job"}),
    Case("GET", "/api/w/<ws>/schedules/p/<path:path>", lambda w: f"{W}/schedules/p/f/ops/nightly", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/schedules/p/<path:path>", lambda w: f"{W}/schedules/p/u/root/nightly", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/schedules/p/<path:path>", lambda w: f"{W}/schedules/p/f/ops/nightly", codes(200, 200, 404, 404),
         body=lambda w: {"cron": "0 4 * * *", "script_path": "f/ops/job"}),
    Case("DELETE", "/api/w/<ws>/schedules/p/<path:path>", lambda w: f"{W}/schedules/p/u/root/nightly", codes(204, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/schedules/p/<path:path>/enable", lambda w: f"{W}/schedules/p/f/ops/nightly/enable",
         codes(200, 200, 404, 404)),
    Case("POST", "/api/w/<ws>/schedules/p/<path:path>/disable", lambda w: f"{W}/schedules/p/f/ops/nightly/disable",
         codes(200, 200, 404, 404)),
    Case("POST", "/api/w/<ws>/schedules/p/<path:path>/run_now", lambda w: f"{W}/schedules/p/f/ops/nightly/run_now",
         codes(201, 201, 404, 404)),
    Case("GET", "/api/w/<ws>/schedules/p/<path:path>/runs", lambda w: f"{W}/schedules/p/u/root/nightly/runs",
         codes(200, 404, 404, 404)),
    # A script's webhook settings: read with the script, changed by its writers.
    Case("GET", "/api/w/<ws>/webhooks/p/<path:path>", lambda w: f"{W}/webhooks/p/f/ops/job", codes(200, 200, 200, 404)),
    Case("GET", "/api/w/<ws>/webhooks/p/<path:path>", lambda w: f"{W}/webhooks/p/u/root/private", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/webhooks/p/<path:path>", lambda w: f"{W}/webhooks/p/f/ops/job", codes(200, 200, 403, 404),
         body=lambda w: {"pass_query": True}),
    Case("POST", "/api/w/<ws>/webhooks/p/<path:path>/secret", lambda w: f"{W}/webhooks/p/f/ops/job/secret",
         codes(201, 201, 403, 404)),
    Case("DELETE", "/api/w/<ws>/webhooks/p/<path:path>/secret", lambda w: f"{W}/webhooks/p/f/ops/job/secret",
         codes(200, 200, 403, 404)),
    # A flow's webhook settings: the same, by the flow's rights (the operator has none on f/ops/flow).
    Case("GET", "/api/w/<ws>/webhooks/f/<path:path>", lambda w: f"{W}/webhooks/f/f/ops/flow", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/webhooks/f/<path:path>", lambda w: f"{W}/webhooks/f/u/root/privflow",
         codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/webhooks/f/<path:path>", lambda w: f"{W}/webhooks/f/f/ops/flow", codes(200, 200, 404, 404),
         body=lambda w: {"pass_query": True}),
    Case("POST", "/api/w/<ws>/webhooks/f/<path:path>/secret", lambda w: f"{W}/webhooks/f/f/ops/flow/secret",
         codes(201, 201, 404, 404)),
    Case("DELETE", "/api/w/<ws>/webhooks/f/<path:path>/secret", lambda w: f"{W}/webhooks/f/f/ops/flow/secret",
         codes(200, 200, 404, 404)),
    # Accounts and workspaces: any user lists their own; only instance admins create one.
    Case("GET", "/api/workspaces", lambda w: "/api/workspaces", codes(200, 200, 200, 200)),
    Case("POST", "/api/workspaces", lambda w: "/api/workspaces", codes(403, 403, 403, 403),
         body=lambda w: {"id": "new-ws"}),
    # Workspace administration: members read by members, changed by admins only.
    Case("GET", "/api/w/<ws>/members", lambda w: f"{W}/members", codes(200, 200, 200, 404)),
    Case("PATCH", "/api/w/<ws>/members/<username>", lambda w: f"{W}/members/op", codes(200, 403, 403, 404),
         body=lambda w: {"role": "developer"}),
    Case("DELETE", "/api/w/<ws>/members/<username>", lambda w: f"{W}/members/op", codes(204, 403, 403, 404)),
    Case("GET", "/api/w/<ws>/invitations", lambda w: f"{W}/invitations", codes(200, 403, 403, 404)),
    Case("POST", "/api/w/<ws>/invitations", lambda w: f"{W}/invitations", codes(201, 403, 403, 404),
         body=lambda w: {"role": "operator"}),
    Case("DELETE", "/api/w/<ws>/invitations/<int:invitation_id>",
         lambda w: f"{W}/invitations/{w.ids['invitation_id']}", codes(204, 403, 403, 404)),
    # Accepting: members already belong (409); a user of another workspace joins.
    Case("POST", "/api/invitations/<token>/accept",
         lambda w: f"/api/invitations/{w.ids['invitation_secret']}/accept", codes(409, 409, 409, 200)),
    Case("GET", "/api/w/<ws>/groups", lambda w: f"{W}/groups", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/groups", lambda w: f"{W}/groups", codes(201, 403, 403, 404),
         body=lambda w: {"name": "new"}),
    Case("GET", "/api/w/<ws>/groups/<name>", lambda w: f"{W}/groups/team", codes(200, 200, 200, 404)),
    Case("PATCH", "/api/w/<ws>/groups/<name>", lambda w: f"{W}/groups/team", codes(200, 403, 403, 404),
         body=lambda w: {"summary": "the team"}),
    Case("DELETE", "/api/w/<ws>/groups/<name>", lambda w: f"{W}/groups/team", codes(204, 403, 403, 404)),
    Case("POST", "/api/w/<ws>/groups/<name>/members", lambda w: f"{W}/groups/team/members",
         codes(201, 403, 403, 404), body=lambda w: {"username": "op"}),
    Case("DELETE", "/api/w/<ws>/groups/<name>/members/<username>", lambda w: f"{W}/groups/team/members/dev",
         codes(204, 403, 403, 404)),
    # Folders: listed by level, created by admins, ACL managed by folder admins.
    Case("GET", "/api/w/<ws>/folders", lambda w: f"{W}/folders", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/folders", lambda w: f"{W}/folders", codes(201, 403, 403, 404),
         body=lambda w: {"name": "newfolder"}),
    Case("GET", "/api/w/<ws>/folders/<name>", lambda w: f"{W}/folders/ops", codes(200, 200, 404, 404)),
    Case("DELETE", "/api/w/<ws>/folders/<name>", lambda w: f"{W}/folders/ops", codes(409, 403, 403, 404)),
    Case("PUT", "/api/w/<ws>/folders/<name>/acl", lambda w: f"{W}/folders/ops/acl", codes(200, 403, 404, 404),
         body=lambda w: {"principal": {"user": "op"}, "level": "read"}),
    Case("DELETE", "/api/w/<ws>/folders/<name>/acl", lambda w: f"{W}/folders/ops/acl?user=dev",
         codes(204, 403, 404, 404)),
    # Item shares: read with the item, changed by its admins.
    Case("GET", "/api/w/<ws>/shares/<kind>/p/<path:path>", lambda w: f"{W}/shares/script/p/f/ops/job",
         codes(200, 200, 200, 404)),
    Case("GET", "/api/w/<ws>/shares/<kind>/p/<path:path>", lambda w: f"{W}/shares/script/p/u/root/private",
         codes(200, 404, 404, 404)),
    Case("PUT", "/api/w/<ws>/shares/<kind>/p/<path:path>", lambda w: f"{W}/shares/script/p/f/ops/job",
         codes(200, 403, 403, 404), body=lambda w: {"principal": {"group": "team"}, "level": "read"}),
    Case("DELETE", "/api/w/<ws>/shares/<kind>/p/<path:path>", lambda w: f"{W}/shares/script/p/f/ops/job?user=op",
         codes(204, 403, 403, 404)),
    Case("GET", "/api/w/<ws>/audit", lambda w: f"{W}/audit", codes(200, 403, 403, 404)),
    # Flows: path items like scripts (the operator has no share on them).
    Case("GET", "/api/w/<ws>/flows", lambda w: f"{W}/flows", codes(200, 200, 200, 404)),
    Case("POST", "/api/w/<ws>/flows", lambda w: f"{W}/flows", codes(201, 201, 403, 404),
         body=lambda w: {"path": "f/ops/newflow", "modules": [{"id": "a", "value": {"type": "identity"}}]}),
    Case("POST", "/api/w/<ws>/flows/validate", lambda w: f"{W}/flows/validate", codes(200, 200, 200, 404),
         body=lambda w: {"modules": [{"id": "a", "value": {"type": "identity"}}]}),
    Case("GET", "/api/w/<ws>/flows/p/<path:path>", lambda w: f"{W}/flows/p/f/ops/flow", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/flows/p/<path:path>", lambda w: f"{W}/flows/p/u/root/privflow", codes(200, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/flows/p/<path:path>", lambda w: f"{W}/flows/p/f/ops/flow", codes(200, 200, 404, 404),
         body=lambda w: {"summary": "changed", "modules": [{"id": "b", "value": {"type": "identity"}}]}),
    Case("GET", "/api/w/<ws>/flows/h/<flow_hash>", lambda w: f"{W}/flows/h/{w.ids['flow_hash']}", codes(200, 200, 404, 404)),
    Case("GET", "/api/w/<ws>/flows/versions/p/<path:path>", lambda w: f"{W}/flows/versions/p/f/ops/flow",
         codes(200, 200, 404, 404)),
    Case("POST", "/api/w/<ws>/flows/archive/p/<path:path>", lambda w: f"{W}/flows/archive/p/f/ops/flow",
         codes(200, 200, 404, 404)),
    Case("POST", "/api/w/<ws>/jobs/run/f/<path:path>", lambda w: f"{W}/jobs/run/f/f/ops/flow", codes(201, 201, 404, 404),
         body=lambda w: {}),
    Case("POST", "/api/w/<ws>/jobs/run_wait_result/f/<path:path>", lambda w: f"{W}/jobs/run_wait_result/f/u/root/privflow",
         codes(202, 404, 404, 404), body=lambda w: {}),
    # (root_job is a script run: asking for its steps is an invalid state, for who may see it)
    Case("GET", "/api/w/<ws>/jobs/<job_id>/steps", lambda w: f"{W}/jobs/{w.ids['root_job']}/steps", codes(409, 404, 404, 404)),
    Case("GET", "/api/w/<ws>/jobs/<job_id>/approvals", lambda w: f"{W}/jobs/{w.ids['root_job']}/approvals",
         codes(409, 404, 404, 404)),
    # Approval links: the signature is the credential; a forged one finds nothing, for anyone.
    Case("GET", "/api/w/<ws>/approvals/<approval_id>/<any(resume, cancel):action>/<signature>",
         lambda w: f"{W}/approvals/x/resume/forged", codes(404, 404, 404, 404)),
    Case("POST", "/api/w/<ws>/approvals/<approval_id>/resume/<signature>",
         lambda w: f"{W}/approvals/x/resume/forged", codes(404, 404, 404, 404), body=lambda w: {}),
    Case("POST", "/api/w/<ws>/approvals/<approval_id>/cancel/<signature>",
         lambda w: f"{W}/approvals/x/cancel/forged", codes(404, 404, 404, 404)),
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
