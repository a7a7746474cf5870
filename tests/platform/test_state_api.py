"""State kept between runs: one JSON value per `script/<path>`, for those who may run it."""
import pytest

from app.models import Level, TargetKind
from tests.platform.conftest import W, get, grant

KEY = "/state/script/u/alice/sync"


def put(client, headers, url: str, value, status: int = 200):
    response = client.put(f"{W}{url}", json={"value": value}, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture()
def sync(factory, team):
    return factory.script("u/alice/sync", "def main():\n    return 1\n")


@pytest.mark.parametrize("value", [{"cursor": 41}, [1, 2], "x", 3.5, None])
def test_any_json_value_round_trips(client, team, sync, value):
    assert put(client, team.alice, KEY, value)["value"] == value
    assert get(client, team.alice, KEY)["value"] == value


def test_state_never_set_is_a_404_and_delete_forgets_it(client, team, sync):
    get(client, team.alice, KEY, 404)
    put(client, team.alice, KEY, {"cursor": 1})
    put(client, team.alice, KEY, {"cursor": 2})
    assert client.delete(f"{W}{KEY}", headers=team.alice).status_code == 204
    get(client, team.alice, KEY, 404)


def test_state_takes_the_right_to_run_the_script(client, team, factory, sync):
    put(client, team.alice, KEY, {"cursor": 1})
    get(client, team.bob, KEY, 404)
    put(client, team.olga, KEY, 2, 404)
    grant(factory, TargetKind.SCRIPT, "u/alice/sync", "olga", Level.READ)  # operators may run
    assert put(client, team.olga, KEY, 2)["value"] == 2


def test_state_of_a_missing_script_is_a_404(client, team):
    get(client, team.alice, "/state/script/u/alice/nothing", 404)


@pytest.mark.parametrize("key", ["job/u/alice/sync", "script/alice", "script"])
def test_a_malformed_key_is_a_400(client, team, key):
    response = client.get(f"{W}/state/{key}", headers=team.alice)
    assert response.status_code == 400, response.get_json()
