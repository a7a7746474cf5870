"""Through the API and a real Celery worker: a script with a third-party import runs, and its
second run installs nothing."""
from __future__ import annotations

import pytest

from tests.deps.conftest import TEST_VOLUME, remove_volume
from tests.e2e.helpers import logs, run, save_script, wait_for
from tests.processes import start_worker

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

QUEUE = "deps-e2e"
CODE = "import yaml\n\ndef main(text: str):\n    return yaml.safe_load(text)\n"


E2E_VOLUME = f"{TEST_VOLUME}-e2e"
"""Its own volume: the first run here installs, whatever the other tests installed before."""


@pytest.fixture(scope="module")
def deps_worker(deps_settings, process_logs, docker_volume):
    """A worker on its own queue with its own dependency cache."""
    remove_volume(deps_settings, E2E_VOLUME)
    process = start_worker(process_logs, name="deps", queue=QUEUE, TASKMILL_SANDBOX="docker",
                           TASKMILL_DEPS_VOLUME=E2E_VOLUME, TASKMILL_CA_BUNDLE=deps_settings.ca_bundle)
    yield process
    process.stop()
    remove_volume(deps_settings, E2E_VOLUME)


def test_a_saved_script_with_an_import_runs_and_its_second_run_installs_nothing(client, auth, deps_worker):
    saved = save_script(client, auth, "u/alice/e2e_yaml", "python", CODE, tag=QUEUE)
    assert saved["hash"]
    first = run(client, auth, "u/alice/e2e_yaml", {"text": "a: [1, 2]"})
    state = wait_for(client, auth, first, timeout=180)
    assert state["status"] == "success", (state, logs(client, auth, first))
    assert state["result"] == {"a": [1, 2]}
    assert "[taskmill] installed python dependencies" in logs(client, auth, first)
    second = run(client, auth, "u/alice/e2e_yaml", {"text": "b: 2"})
    state = wait_for(client, auth, second, timeout=60)
    assert state["status"] == "success" and state["result"] == {"b": 2}
    assert "[taskmill] installed" not in logs(client, auth, second)
    assert "[taskmill] resolving" not in logs(client, auth, second)
