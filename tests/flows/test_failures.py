"""Failing steps: retries with both backoffs, the failure module, tolerated failures, and bad
input that fails at the step with a clear error instead of hanging the flow."""
import time
from datetime import datetime

import pytest

from tests.flows.helpers import attempts, expr, py, run_and_wait, save_flow, static, step, steps

pytestmark = pytest.mark.e2e

ALWAYS_FAILS = py("raise RuntimeError('boom')")


def started(row: dict) -> datetime:
    return datetime.fromisoformat(row["started_at"])


def test_constant_retries_rerun_the_step_then_fail_the_flow(client, auth, worker):
    save_flow(client, auth, "u/alice/retry", {"modules": [
        {"id": "flaky", "value": ALWAYS_FAILS, "retry": {"constant": {"attempts": 2, "seconds": 1}}}]})
    state = run_and_wait(client, auth, "u/alice/retry")
    tries = attempts(steps(client, auth, state["id"]), "flaky")
    assert [t["attempt"] for t in tries] == [1, 2, 3]
    assert all(t["status"] == "failure" for t in tries)
    gaps = [(started(b) - started(a)).total_seconds() for a, b in zip(tries, tries[1:])]
    assert all(gap >= 1 for gap in gaps), gaps
    assert state["status"] == "failure" and "boom" in state["error"]["message"]


def test_exponential_retries_wait_longer_each_time(client, auth, worker):
    save_flow(client, auth, "u/alice/backoff", {"modules": [
        {"id": "flaky", "value": ALWAYS_FAILS,
         "retry": {"exponential": {"attempts": 2, "multiplier": 1, "seconds": 2}}}]})
    state = run_and_wait(client, auth, "u/alice/backoff")
    tries = attempts(steps(client, auth, state["id"]), "flaky")
    gaps = [(started(b) - started(a)).total_seconds() for a, b in zip(tries, tries[1:])]
    assert len(tries) == 3 and gaps[0] >= 2 and gaps[1] >= 4, gaps


def test_a_retry_that_succeeds_lets_the_flow_go_on(client, auth, worker):
    save_flow(client, auth, "u/alice/later", {"modules": [
        {"id": "flaky", "value": py("import time\nif time.time() < ready:\n    raise RuntimeError('not yet')\nreturn 'ok'",
                                    "ready: float"),
         "input_transforms": {"ready": expr("flow_input.ready")},
         "retry": {"constant": {"attempts": 3, "seconds": 2}}}]})
    state = run_and_wait(client, auth, "u/alice/later", {"ready": time.time() + 4})
    assert state["status"] == "success" and state["result"] == "ok"
    tries = [t["status"] for t in attempts(steps(client, auth, state["id"]), "flaky")]
    assert tries[0] == "failure" and tries[-1] == "success"


def test_the_failure_module_gets_the_error_and_the_failed_step(client, auth, worker):
    save_flow(client, auth, "u/alice/handled", {"modules": [
        {"id": "fine", "value": py("return 1")},
        {"id": "broken", "value": ALWAYS_FAILS},
        {"id": "never", "value": py("return 2")}],
        "failure_module": {"id": "report", "value": py("return {'step': failed_step, 'why': error['message']}",
                                                       "error: dict, failed_step: str")}})
    state = run_and_wait(client, auth, "u/alice/handled")
    assert state["status"] == "failure"
    assert state["error"]["failed_step"] == "broken"
    assert state["result"]["step"] == "broken" and "boom" in state["result"]["why"]
    assert "never" not in {r["step_id"] for r in steps(client, auth, state["id"])}


def test_a_loop_with_skip_failures_records_them_and_goes_on(client, auth, worker):
    save_flow(client, auth, "u/alice/tolerant", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": static([1, 0, 2]), "skip_failures": True,
                                 "modules": [{"id": "inverse", "value": py("return 1 / x", "x: int"),
                                              "input_transforms": {"x": expr("iter.value")}}]}},
        {"id": "after", "value": {"type": "identity"}}]})
    state = run_and_wait(client, auth, "u/alice/tolerant")
    assert state["status"] == "success"
    first, failed, last = state["result"]
    assert (first, last) == (1.0, 0.5) and "ZeroDivisionError" in failed["error"]["message"] + str(failed)


def test_a_loop_without_skip_failures_fails_the_flow(client, auth, worker):
    save_flow(client, auth, "u/alice/strict", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": static([1, 0, 2]), "parallel": True,
                                 "modules": [{"id": "inverse", "value": py("return 1 / x", "x: int"),
                                              "input_transforms": {"x": expr("iter.value")}}]}}]})
    state = run_and_wait(client, auth, "u/alice/strict")
    assert state["status"] == "failure" and state["error"]["failed_step"] == "inverse"
    assert step(steps(client, auth, state["id"]), "loop")["status"] == "failure"


def test_a_branch_with_skip_failure_does_not_fail_branchall(client, auth, worker):
    save_flow(client, auth, "u/alice/branches", {"modules": [
        {"id": "all", "value": {"type": "branchall", "parallel": True, "branches": [
            {"skip_failure": True, "modules": [{"id": "bad", "value": ALWAYS_FAILS}]},
            {"modules": [{"id": "good", "value": py("return 'fine'")}]}]}}]})
    state = run_and_wait(client, auth, "u/alice/branches")
    assert state["status"] == "success"
    assert "error" in state["result"][0] and state["result"][1] == "fine"


def test_an_iterator_that_is_not_a_list_fails_the_loop_step_clearly(client, auth, worker):
    save_flow(client, auth, "u/alice/notalist", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("flow_input"),
                                 "modules": [{"id": "x", "value": {"type": "identity"}}]}}]})
    state = run_and_wait(client, auth, "u/alice/notalist", {"a": 1}, timeout=30)
    assert state["status"] == "failure"
    assert state["error"]["message"] == "step 'loop' failed: the iterator of loop 'loop' must be a list, not an object"


def test_an_expression_failing_at_run_time_fails_its_step_clearly(client, auth, worker):
    save_flow(client, auth, "u/alice/missing", {"modules": [
        {"id": "a", "value": py("return {'x': 1}")},
        {"id": "b", "value": py("return v", "v"), "input_transforms": {"v": expr("results.a.y")}}]})
    state = run_and_wait(client, auth, "u/alice/missing", timeout=30)
    assert state["status"] == "failure" and state["error"]["failed_step"] == "b"
    assert "input_transforms.v" in state["error"]["message"] and "'y'" in state["error"]["message"]


def test_bad_step_arguments_fail_the_step_before_it_runs(client, auth, worker):
    save_flow(client, auth, "u/alice/typed", {"modules": [
        {"id": "typed", "value": py("return n", "n: int"), "input_transforms": {"n": static("seven")}}]})
    state = run_and_wait(client, auth, "u/alice/typed", timeout=30)
    assert state["status"] == "failure" and "invalid arguments: n" in state["error"]["message"]
