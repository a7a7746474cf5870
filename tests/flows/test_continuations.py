"""A scope's modules run in one task, and a loop lane runs its iterations itself; a module
that needs the canvas (a retry's backoff, a sleep, a container) hands over the modules
after it, and the lane's next iterations, so nothing is skipped or run twice."""
import time
from datetime import datetime

import pytest
from app.models import Job, JobKind
from config import SettingsError, load_settings
from flows import compiler
from flows.definition import FlowDefinition
from flows.modules.forloop import _lanes
from tests.flows.helpers import attempts, expr, py, run_and_wait, save_flow, static, step, steps


def _loop(modules: list[dict], **value) -> FlowDefinition:
    return FlowDefinition.from_dict({"modules": [{"id": "loop", "value": {
        "type": "forloopflow", "iterator": static([1, 2, 3]), "modules": modules, **value}}]})


PLAIN = {"id": "a", "value": py("return 1")}


def test_a_sequence_is_one_steps_task_then_finish():
    definition = FlowDefinition.from_dict({"modules": [{"id": f"s{i}", "value": py("return 1")}
                                                       for i in range(5)]})
    canvas = compiler.sequence("scope", definition.modules, "default")
    head, finish = canvas.tasks
    assert head.task == compiler.STEPS and list(head.args) == ["scope", ["s0", "s1", "s2", "s3", "s4"]]
    assert finish.task == compiler.FINISH


def test_lanes_of_a_parallel_loop():
    assert _lanes(_loop([PLAIN]).modules[0].value, 100, 16) == 1  # not parallel
    assert _lanes(_loop([PLAIN], parallel=True, parallelism=3).modules[0].value, 100, 16) == 3
    assert _lanes(_loop([PLAIN], parallel=True).modules[0].value, 100, 16) == 16  # plain code steps
    waiting = [{**PLAIN, "sleep": 1}, {**PLAIN, "retry": {"constant": {"attempts": 1, "seconds": 1}}},
               {**PLAIN, "suspend": {"required_events": 1, "timeout": 60}},
               {"id": "inner", "value": {"type": "branchall", "branches": [{"modules": [PLAIN]}]}}]
    for module in waiting:  # each item may wait without holding a worker: a lane each
        assert _lanes(_loop([module], parallel=True).modules[0].value, 100, 16) == 100, module
    canvas = compiler.loop("loop", 100, 16, "default")
    assert len(canvas.tasks) == 16 and canvas.body.task == compiler.COLLECT
    assert [list(lane.args) for lane in canvas.tasks][:2] == [["loop", 0, 16], ["loop", 1, 16]]


def _started(row: dict) -> datetime:
    return datetime.fromisoformat(row["started_at"])


FLAKY = py("import time\nif time.time() < ready:\n    raise RuntimeError('not yet')\nreturn 'ok'",
           "ready: float")


@pytest.mark.e2e
def test_a_retry_mid_sequence_hands_over_the_modules_after_it(client, auth, worker):
    save_flow(client, auth, "u/alice/midway", {"modules": [
        {"id": "first", "value": py("return 1")},
        {"id": "flaky", "value": FLAKY, "input_transforms": {"ready": expr("flow_input.ready")},
         "retry": {"constant": {"attempts": 5, "seconds": 1}}},
        {"id": "nap", "value": py("return 'rested'"), "sleep": 1},
        {"id": "last", "value": py("return [a, b, c]", "a, b, c"),
         "input_transforms": {"a": expr("results.first"), "b": expr("results.flaky"),
                              "c": expr("previous_result")}}]})
    state = run_and_wait(client, auth, "u/alice/midway", {"ready": time.time() + 2})
    assert state["status"] == "success" and state["result"] == [1, "ok", "rested"]
    rows = steps(client, auth, state["id"])
    tries = attempts(rows, "flaky")
    assert tries[0]["status"] == "failure" and tries[-1]["status"] == "success"
    assert len(attempts(rows, "first")) == 1 and len(attempts(rows, "last")) == 1  # nothing ran twice
    assert (_started(step(rows, "last")) - _started(step(rows, "nap"))).total_seconds() >= 1  # slept


@pytest.mark.e2e
def test_a_lane_goes_on_after_an_iteration_that_retried(client, auth, worker):
    save_flow(client, auth, "u/alice/lanes", {"modules": [
        {"id": "loop", "value": {
            "type": "forloopflow", "iterator": static([0, 1, 2, 3, 4, 5]),
            "parallel": True, "parallelism": 2,
            "modules": [
                {"id": "flaky", "value": py("import time\nif x == 1 and time.time() < ready:\n"
                                            "    raise RuntimeError('not yet')\nreturn x",
                                            "x: int, ready: float"),
                 "input_transforms": {"x": expr("iter.value"), "ready": expr("flow_input.ready")},
                 "retry": {"constant": {"attempts": 5, "seconds": 1}}},
                {"id": "double", "value": py("return 2 * x", "x: int"),
                 "input_transforms": {"x": expr("previous_result")}}]}}]})
    state = run_and_wait(client, auth, "u/alice/lanes", {"ready": time.time() + 2})
    assert state["status"] == "success" and state["result"] == [0, 2, 4, 6, 8, 10]
    rows = steps(client, auth, state["id"])
    doubles = [r for r in rows if r["step_id"] == "double"]
    assert len(doubles) == 6 and all(r["status"] == "success" for r in doubles)  # each once
    assert sum(r["status"] == "failure" for r in rows if r["step_id"] == "flaky") >= 1


@pytest.mark.e2e
def test_a_plain_parallel_loop_runs_its_items_on_the_configured_lanes(client, auth, worker, db,
                                                                      settings):
    save_flow(client, auth, "u/alice/wide", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("range(40) | list"),
                                 "parallel": True,
                                 "modules": [{"id": "square", "value": py("return x * x", "x: int"),
                                              "input_transforms": {"x": expr("iter.value")}}]}}]})
    state = run_and_wait(client, auth, "u/alice/wide")
    assert state["status"] == "success" and state["result"] == [i * i for i in range(40)]
    with db.session() as session:
        loop = session.query(Job).filter_by(flow_job_id=state["id"], kind=JobKind.STEP,
                                            step_id="loop").one()
        assert loop.flow_state["lanes"] == settings.flow_lanes
        assert session.query(Job).filter_by(flow_job_id=state["id"], kind=JobKind.ITERATION).count() == 40


def test_flow_lanes_must_be_positive():
    with pytest.raises(SettingsError, match="TASKMILL_FLOW_LANES"):
        load_settings({"TASKMILL_FLOW_LANES": "0"})
