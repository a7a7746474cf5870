"""Type-hinted parameters end to end, through the API and a real worker running containers:
a resource parameter (found by its type hint) sent as `$res:<path>` arrives as the resource's
object, and a dataclass parameter arrives as an instance."""
import pytest

from tests.e2e.helpers import run, save_script, wait_for
from tests.platform.conftest import post
from tests.processes import start_worker

pytestmark = pytest.mark.e2e

QUEUE = "typed"

CONNECT = '''\
from dataclasses import dataclass
from typing import TypedDict


class postgresql(TypedDict):
    host: str
    password: str


@dataclass
class Options:
    schema: str
    limit: int = 10


def main(db: postgresql, options: Options):
    return {"host": db["host"], "password_ok": db["password"] == "pg-5ecret",
            "options": type(options).__name__, "schema": options.schema, "limit": options.limit}
'''


@pytest.fixture(scope="module")
def typed_worker(settings, process_logs):
    worker = start_worker(process_logs, name="typed", queue=QUEUE,
                          TASKMILL_ENCRYPTION_KEYS=",".join(settings.resolved_encryption_keys()))
    yield worker
    worker.stop()


def test_a_type_hinted_resource_and_a_dataclass_reach_main(client, team, typed_worker):
    post(client, team.alice, "/variables", {"path": "u/alice/pg_pw", "value": "pg-5ecret", "is_secret": True}, 201)
    post(client, team.alice, "/resource_types", {"name": "postgresql", "schema": {
        "type": "object", "required": ["host", "password"],
        "properties": {"host": {"type": "string"}, "password": {"type": "string"}}}}, 201)
    post(client, team.alice, "/resources", {"path": "u/alice/warehouse", "resource_type": "postgresql",
                                            "value": {"host": "db.internal", "password": "$var:u/alice/pg_pw"}}, 201)
    script = save_script(client, team.alice, "u/alice/connect", "python", CONNECT, tag=QUEUE)
    assert script["schema"]["properties"]["db"] == {"type": "object", "format": "resource-postgresql"}

    args = {"db": "$res:u/alice/warehouse", "options": {"schema": "sales"}}
    state = wait_for(client, team.alice, run(client, team.alice, "u/alice/connect", args))

    assert state["status"] == "success", state
    assert state["result"] == {"host": "db.internal", "password_ok": True, "options": "Options",
                               "schema": "sales", "limit": 10}


def test_an_object_the_schema_refuses_is_rejected_before_a_job_exists(client, team, typed_worker):
    save_script(client, team.alice, "u/alice/connect", "python", CONNECT, tag=QUEUE)
    response = client.post("/api/w/main/jobs/run/p/u/alice/connect", headers=team.alice,
                           json={"db": "$res:u/alice/x", "options": {"schema": "s", "limit": "ten"}})
    assert response.status_code == 400
    assert response.json["error"]["details"] == [{"field": "options/limit", "message": "'ten' is not of type 'integer'"}]
