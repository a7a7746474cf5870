"""A failing sub-flow runs its own failure module first, then fails its caller, whose flow
runs its failure module in turn; a sub-flow without one fails its caller at once."""
from datetime import datetime

import pytest

from tests.flows.helpers import py, run_and_wait, save_flow, steps

pytestmark = pytest.mark.e2e

REPORT = py("return {'handled_by': who, 'step': failed_step, 'why': error['message']}",
            "error: dict, failed_step: str, who: str = ''")


def report(module_id: str, who: str) -> dict:
    return {"id": module_id, "value": REPORT,
            "input_transforms": {"who": {"type": "static", "value": who}}}


def rows_of(all_steps: list[dict], step_id: str) -> list[dict]:
    return [s for s in all_steps if s["step_id"] == step_id]


def test_a_failing_sub_flow_runs_its_failure_module_before_its_caller_does(client, auth, worker):
    save_flow(client, auth, "u/alice/inner_fails", {"modules": [
        {"id": "bad", "value": py("raise RuntimeError('boom')")},
        {"id": "unreached", "value": py("return 1")}],
        "failure_module": report("inner_report", "inner")})
    save_flow(client, auth, "u/alice/outer_calls", {"modules": [
        {"id": "call", "value": {"type": "flow", "path": "u/alice/inner_fails"}},
        {"id": "after", "value": py("return 2")}],
        "failure_module": report("outer_report", "outer")})
    state = run_and_wait(client, auth, "u/alice/outer_calls")

    assert state["status"] == "failure" and state["error"]["failed_step"] == "bad"
    assert state["result"]["handled_by"] == "outer" and "boom" in state["result"]["why"]
    everything = steps(client, auth, state["id"])
    [sub] = rows_of(everything, "call")
    [inner] = rows_of(everything, "inner_report")
    [outer] = rows_of(everything, "outer_report")
    assert inner["parent_job_id"] == sub["id"] and outer["parent_job_id"] == state["id"]
    assert inner["status"] == "success"
    assert inner["result"] == {"handled_by": "inner", "step": "bad", "why": state["error"]["message"]}
    assert sub["status"] == "failure" and sub["error"]["failed_step"] == "bad"
    finished_inner = datetime.fromisoformat(inner["finished_at"])
    assert finished_inner <= datetime.fromisoformat(sub["finished_at"])
    assert finished_inner <= datetime.fromisoformat(outer["started_at"])
    assert not rows_of(everything, "unreached") and not rows_of(everything, "after")


def test_the_sub_flow_result_is_its_failure_module_result(client, auth, worker):
    save_flow(client, auth, "u/alice/inner_handles", {"modules": [
        {"id": "bad", "value": py("raise ValueError('nope')")}],
        "failure_module": report("inner_report", "inner")})
    save_flow(client, auth, "u/alice/outer_plain", {"modules": [
        {"id": "call", "value": {"type": "flow", "path": "u/alice/inner_handles"}}]})
    state = run_and_wait(client, auth, "u/alice/outer_plain")
    assert state["status"] == "failure" and "nope" in state["error"]["message"]
    assert state["result"] is None  # the outer flow has no failure module
    [sub] = rows_of(steps(client, auth, state["id"]), "call")
    assert sub["status"] == "failure" and sub["result"]["handled_by"] == "inner"


def test_a_failing_failure_module_of_a_sub_flow_still_fails_the_caller(client, auth, worker):
    save_flow(client, auth, "u/alice/inner_double", {"modules": [
        {"id": "bad", "value": py("raise RuntimeError('first')")}],
        "failure_module": {"id": "inner_report", "value": py("raise RuntimeError('second')")}})
    save_flow(client, auth, "u/alice/outer_double", {"modules": [
        {"id": "call", "value": {"type": "flow", "path": "u/alice/inner_double"}}],
        "failure_module": report("outer_report", "outer")})
    state = run_and_wait(client, auth, "u/alice/outer_double")
    assert state["status"] == "failure" and state["error"]["failed_step"] == "bad"
    assert state["result"]["handled_by"] == "outer"
    everything = steps(client, auth, state["id"])
    assert rows_of(everything, "inner_report")[0]["status"] == "failure"


def test_a_sub_flow_failure_handled_in_a_tolerant_loop_lets_the_loop_go_on(client, auth, worker):
    save_flow(client, auth, "u/alice/inner_maybe", {
        "schema": {"type": "object", "properties": {"x": {"type": "integer"}}},
        "modules": [{"id": "inverse", "value": py("return 1 / x", "x: int"),
                     "input_transforms": {"x": {"type": "expr", "expr": "flow_input.x"}}}],
        "failure_module": report("inner_report", "inner")})
    save_flow(client, auth, "u/alice/outer_loop", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": {"type": "static", "value": [1, 0, 2]},
                                 "skip_failures": True, "modules": [
            {"id": "call", "value": {"type": "flow", "path": "u/alice/inner_maybe"},
             "input_transforms": {"x": {"type": "expr", "expr": "iter.value"}}}]}}]})
    state = run_and_wait(client, auth, "u/alice/outer_loop")
    assert state["status"] == "success"
    first, failed, last = state["result"]
    assert (first, last) == (1.0, 0.5) and failed["error"]["failed_step"] == "inverse"
    handled = rows_of(steps(client, auth, state["id"]), "inner_report")
    assert [h["status"] for h in handled] == ["success"]
