"""A schedule's runs keep their own state, under `schedule/<path>`, readable as running it."""
from app.services.state import key_of
from tests.schedules.conftest import create


def test_scheduled_jobs_use_their_schedules_state_key():
    assert key_of("schedule", "u/alice/nightly", "u/alice/job") == "schedule/u/alice/nightly"
    assert key_of("api", "", "u/alice/job") == "script/u/alice/job"


def test_schedule_state_is_read_and_written_by_who_may_run_the_schedule(client, auth, factory):
    factory.script("u/alice/job", "def main():\n    return 1\n")
    assert create(client, auth, script_path="u/alice/job", args={}).status_code == 201
    url = "/api/w/main/state/schedule/u/alice/nightly"
    assert client.put(url, json={"value": {"cursor": 7}}, headers=auth).status_code == 200
    assert client.get(url, headers=auth).json["value"] == {"cursor": 7}
    bob = factory.user("bob")
    other = {"Authorization": f"Bearer {factory.token(bob)}"}
    assert client.get(url, headers=other).status_code == 404
