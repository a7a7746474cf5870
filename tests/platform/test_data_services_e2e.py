"""Variables, secrets, resources and state through a real worker running real containers."""
import pytest

from app.models import Job, Level, TargetKind
from tests.e2e.helpers import logs, run, save_script, wait_for
from tests.platform.conftest import grant, post
from tests.processes import start_worker

pytestmark = pytest.mark.e2e

QUEUE = "platform"
SECRET = "tok-e2e-5ecret"
PRINTER = 'def main(token: str):\n    print("token is", token, flush=True)\n    return len(token)\n'


@pytest.fixture(scope="module")
def data_worker(settings, process_logs, server_url):
    """A worker with the test app's encryption keys, on its own queue; its jobs can reach the
    test server (host network) with their job token."""
    worker = start_worker(process_logs, name="data", queue=QUEUE,
                          TASKMILL_ENCRYPTION_KEYS=",".join(settings.resolved_encryption_keys()),
                          TASKMILL_PUBLIC_URL=server_url, TASKMILL_JOB_NETWORK="host")
    yield worker
    worker.stop()


def test_a_job_gets_the_decrypted_secret_and_its_logs_show_stars(client, team, db, data_worker):
    post(client, team.alice, "/variables", {"path": "u/alice/api_key", "value": SECRET, "is_secret": True}, 201)
    save_script(client, team.alice, "u/alice/printer", "python", PRINTER, tag=QUEUE)

    state = wait_for(client, team.alice, run(client, team.alice, "u/alice/printer", {"token": "$var:u/alice/api_key"}))

    assert state["status"] == "success" and state["result"] == len(SECRET), state
    assert "token is *****" in logs(client, team.alice, state["id"])
    with db.session() as session:
        stored = session.get(Job, state["id"]).logs
    assert "token is *****" in stored and SECRET not in stored
    assert SECRET not in data_worker.output()


def test_a_reference_only_an_admin_may_read_fails_a_developers_job_before_it_runs(client, team, data_worker):
    post(client, team.root, "/variables", {"path": "f/admins/root_password", "value": "r00t!", "is_secret": True}, 201)
    save_script(client, team.alice, "u/alice/printer", "python", PRINTER, tag=QUEUE)
    args = {"token": "$var:f/admins/root_password"}

    refused = wait_for(client, team.alice, run(client, team.alice, "u/alice/printer", args))
    assert refused["status"] == "failure" and refused["error"]["kind"] == "resolution", refused
    assert "f/admins/root_password" in refused["error"]["message"]
    assert refused["result"] is None and logs(client, team.alice, refused["id"]) == ""

    allowed = wait_for(client, team.root, run(client, team.root, "u/alice/printer", args))
    assert allowed["status"] == "success" and allowed["result"] == len("r00t!"), allowed
    assert "token is *****" in logs(client, team.root, allowed["id"])


def test_a_resource_argument_arrives_with_its_nested_variable_resolved(client, team, data_worker):
    post(client, team.alice, "/variables", {"path": "u/alice/pg_pw", "value": "pg-5ecret", "is_secret": True}, 201)
    post(client, team.alice, "/resource_types", {"name": "pg", "schema": {
        "type": "object", "required": ["host", "password"],
        "properties": {"host": {"type": "string"}, "password": {"type": "string"}}}}, 201)
    post(client, team.alice, "/resources", {"path": "u/alice/warehouse", "resource_type": "pg",
                                            "value": {"host": "db.internal", "password": "$var:u/alice/pg_pw"}}, 201)
    code = ('def main(db: dict):\n    print("connecting with", db["password"], flush=True)\n'
            '    return {"host": db["host"], "password_ok": db["password"] == "pg-5ecret"}\n')
    save_script(client, team.alice, "u/alice/connect", "python", code, tag=QUEUE)

    state = wait_for(client, team.alice, run(client, team.alice, "u/alice/connect", {"db": "$res:u/alice/warehouse"}))

    assert state["result"] == {"host": "db.internal", "password_ok": True}, state
    assert "connecting with *****" in logs(client, team.alice, state["id"])


STATEFUL = '''import json, os, urllib.request


def main():
    url = f"{os.environ['TASKMILL_BASE_URL']}/api/w/{os.environ['TASKMILL_WORKSPACE']}/state/{os.environ['TASKMILL_STATE_KEY']}"
    headers = {"Authorization": "Bearer " + os.environ["TASKMILL_TOKEN"], "Content-Type": "application/json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            count = json.load(response)["value"]["runs"]
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
        count = 0
    body = json.dumps({"value": {"runs": count + 1}}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="PUT"), timeout=10)
    return count + 1
'''


def test_a_job_keeps_state_between_runs_under_its_script_key(client, team, factory, data_worker):
    save_script(client, team.alice, "u/alice/counter", "python", STATEFUL, tag=QUEUE)
    grant(factory, TargetKind.SCRIPT, "u/alice/counter", "olga", Level.READ)  # an operator may run it
    results = [wait_for(client, who, run(client, who, "u/alice/counter"))["result"]
               for who in (team.alice, team.olga, team.alice)]
    assert results == [1, 2, 3]
    response = client.get("/api/w/main/state/script/u/alice/counter", headers=team.alice)
    assert response.get_json()["value"] == {"runs": 3}
