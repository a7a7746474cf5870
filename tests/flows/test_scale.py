"""Nested constructs, large results and a large parallel loop."""
import time

import pytest

from tests.flows.helpers import expr, py, run_and_wait, save_flow, static, step, steps

pytestmark = pytest.mark.e2e

TEN_MB = 10 * 1024 * 1024


def test_a_parallel_loop_in_a_branch_in_a_loop_with_sub_flows(client, auth, worker):
    save_flow(client, auth, "u/alice/double", {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
                                                "modules": [{"id": "twice", "value": py("return n * 2", "n: int"),
                                                             "input_transforms": {"n": expr("flow_input.n")}}]})
    save_flow(client, auth, "u/alice/nested", {"modules": [
        {"id": "outer", "value": {"type": "forloopflow", "iterator": static([1, 3]), "modules": [
            {"id": "pick", "value": {"type": "branchone", "branches": [
                {"expr": "iter.value > 2", "modules": [
                    {"id": "inner", "value": {"type": "forloopflow", "iterator": expr("range(iter.value) | list"),
                                              "parallel": True, "parallelism": 2, "modules": [
                        {"id": "call", "value": {"type": "flow", "path": "u/alice/double"},
                         "input_transforms": {"n": expr("iter.value")}}]}}]}],
                "default": [{"id": "plain", "value": {"type": "flow", "path": "u/alice/double"},
                             "input_transforms": {"n": expr("iter.value * 100")}}]}}]}},
        {"id": "total", "value": py("return flat", "flat: list"), "input_transforms": {"flat": expr("results.outer")}}]})
    state = run_and_wait(client, auth, "u/alice/nested", timeout=120)
    assert state["status"] == "success", state
    assert state["result"] == [200, [0, 2, 4]]


def test_ten_megabyte_results_pass_between_steps(client, auth, worker):
    save_flow(client, auth, "u/alice/big", {"modules": [
        {"id": "make", "value": py(f"return {{'blob': 'x' * {TEN_MB}}}")},
        {"id": "measure", "value": py("return len(data['blob'])", "data: dict"),
         "input_transforms": {"data": expr("results.make")}}]})
    state = run_and_wait(client, auth, "u/alice/big", timeout=120)
    assert state["status"] == "success" and state["result"] == TEN_MB
    rows = steps(client, auth, state["id"])
    made = step(rows, "make")
    assert made["result_inline"] is False and made["result"] is None
    full = client.get(f"/api/w/main/jobs/{made['id']}", headers=auth).json
    assert len(full["result"]["blob"]) == TEN_MB


def test_a_thousand_iteration_parallel_loop(client, auth, worker, capsys):
    save_flow(client, auth, "u/alice/wide", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("range(1000) | list"), "parallel": True,
                                 "parallelism": 10, "modules": [{"id": "same", "value": {"type": "identity"}}]}}]})
    started = time.monotonic()
    state = run_and_wait(client, auth, "u/alice/wide", timeout=600)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\n  1,000-iteration parallel loop (parallelism 10, identity steps): {elapsed:.1f} s")
    assert state["status"] == "success" and state["result"] == list(range(1000))
    rows = steps(client, auth, state["id"])
    assert sum(1 for r in rows if r["kind"] == "iteration" and r["status"] == "success") == 1000
