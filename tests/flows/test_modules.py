"""Each module type run end to end by a real worker, code steps in real containers."""
import pytest

from app.models import Role
from tests.flows.helpers import (expr, job, py, run_and_wait, save_flow, save_script, static,
                                 step, steps)

pytestmark = pytest.mark.e2e

NUMBERS = {"type": "object", "properties": {"n": {"type": "integer"}}}


def identity(module_id: str, **extra) -> dict:
    return {"id": module_id, "value": {"type": "identity"}, **extra}


def test_rawscript_steps_pass_results_along(client, auth, worker):
    save_flow(client, auth, "u/alice/chain", {"schema": NUMBERS, "modules": [
        {"id": "fetch", "value": py("return {'items': [n, n + 1], 'note': 'x'}", "n: int"),
         "input_transforms": {"n": expr("flow_input.n")}},
        {"id": "shout", "value": {"type": "rawscript", "language": "bash",
                                  "content": 'first="$1"\necho "got $first" >&2\necho "\\"$first!\\""\n'},
         "input_transforms": {"first": expr("results.fetch.items[0] | string")}},
        {"id": "join", "value": py("return [prev, fetched, tag]", "prev, fetched, tag"),
         "input_transforms": {"prev": expr("previous_result"), "fetched": expr("results.fetch.note"),
                              "tag": static("done")}},
    ]})
    state = run_and_wait(client, auth, "u/alice/chain", {"n": 41})
    assert state["status"] == "success", state
    assert state["result"] == ["41!", "x", "done"]
    shout = step(steps(client, auth, state["id"]), "shout")
    assert shout["language"] == "bash"
    assert "got 41" in client.get(f"/api/w/main/jobs/{shout['id']}/logs", headers=auth).json["logs"]


def test_script_steps_run_the_stored_script(client, auth, worker):
    save_script(client, auth, "u/alice/add", "def main(a: int, b: int = 1):\n    return a + b\n")
    save_flow(client, auth, "u/alice/uses", {"modules": [
        {"id": "add", "value": {"type": "script", "path": "u/alice/add"}, "input_transforms": {"a": static(2)}}]})
    state = run_and_wait(client, auth, "u/alice/uses")
    assert state["status"] == "success" and state["result"] == 3
    ran = step(steps(client, auth, state["id"]), "add")
    assert job(client, auth, ran["id"])["script_path"] == "u/alice/add"


def test_a_script_step_the_runner_may_not_run_fails_saying_so(client, auth, worker, factory):
    admin = {"Authorization": f"Bearer {factory.token(factory.user('root', role=Role.ADMIN))}"}
    bob = {"Authorization": f"Bearer {factory.token(factory.user('bob'))}"}
    client.post("/api/w/main/folders", headers=admin, json={"name": "team"})
    for user, level in (("alice", "write"), ("bob", "read")):
        client.put("/api/w/main/folders/team/acl", headers=admin, json={"principal": {"user": user}, "level": level})
    save_script(client, auth, "u/alice/private", "def main():\n    return 1\n")
    save_flow(client, auth, "f/team/borrow", {"modules": [
        {"id": "call", "value": {"type": "script", "path": "u/alice/private"}}]})
    state = run_and_wait(client, bob, "f/team/borrow")
    assert state["status"] == "failure"
    assert "bob may not run script 'u/alice/private'" in state["error"]["message"]
    assert state["error"]["failed_step"] == "call"


def test_sub_flows_run_as_one_step_with_their_own_inputs(client, auth, worker):
    save_flow(client, auth, "u/alice/inner", {"schema": NUMBERS, "modules": [
        {"id": "double", "value": py("return n * 2", "n: int"), "input_transforms": {"n": expr("flow_input.n")}}]})
    save_flow(client, auth, "u/alice/outer", {"modules": [
        {"id": "call", "value": {"type": "flow", "path": "u/alice/inner"}, "input_transforms": {"n": static(21)}},
        identity("after")]})
    state = run_and_wait(client, auth, "u/alice/outer")
    assert state["status"] == "success" and state["result"] == 42
    rows = steps(client, auth, state["id"])
    assert step(rows, "call")["kind"] == "flow" and step(rows, "double")["result"] == 42


def test_sequential_loop_sees_iter_and_collects_in_order(client, auth, worker):
    save_flow(client, auth, "u/alice/seq", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": static(["a", "b", "c"]), "modules": [
            {"id": "tag", "value": py("return f'{i}:{v}'", "i, v"),
             "input_transforms": {"i": expr("iter.index"), "v": expr("iter.value")}}]}}]})
    state = run_and_wait(client, auth, "u/alice/seq")
    assert state["status"] == "success" and state["result"] == ["0:a", "1:b", "2:c"]
    rows = steps(client, auth, state["id"])
    iterations = [r for r in rows if r["kind"] == "iteration"]
    assert [r["flow_state"]["index"] for r in iterations] == [0, 1, 2]


def test_parallel_loop_honours_its_parallelism(client, auth, worker):
    save_flow(client, auth, "u/alice/par", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("range(6) | list"), "parallel": True,
                                 "parallelism": 2, "modules": [identity("same")]}}]})
    state = run_and_wait(client, auth, "u/alice/par")
    assert state["status"] == "success" and state["result"] == [0, 1, 2, 3, 4, 5]


def test_branchone_takes_the_first_true_branch_or_the_default(client, auth, worker):
    save_flow(client, auth, "u/alice/pick", {"schema": NUMBERS, "modules": [
        {"id": "pick", "value": {"type": "branchone", "branches": [
            {"expr": "flow_input.n > 10", "modules": [{"id": "big", "value": py("return 'big'")}]},
            {"expr": "flow_input.n > 5", "modules": [identity("medium")]}],
            "default": [{"id": "small", "value": py("return 'small'")}]}}]})
    assert run_and_wait(client, auth, "u/alice/pick", {"n": 11})["result"] == "big"
    assert run_and_wait(client, auth, "u/alice/pick", {"n": 7})["result"] == {"n": 7}
    small = run_and_wait(client, auth, "u/alice/pick", {"n": 1})
    assert small["result"] == "small"
    assert {r["step_id"] for r in steps(client, auth, small["id"])} == {"pick", "small"}


@pytest.mark.parametrize("parallel", [False, True])
def test_branchall_runs_every_branch(client, auth, worker, parallel):
    save_flow(client, auth, "u/alice/all", {"modules": [
        {"id": "all", "value": {"type": "branchall", "parallel": parallel, "branches": [
            {"modules": [{"id": "one", "value": py("return 1")}]},
            {"modules": [identity("two")]},
            {"modules": [{"id": "three", "value": py("return 3")}]}]}}]})
    state = run_and_wait(client, auth, "u/alice/all")
    assert state["status"] == "success" and state["result"] == [1, {}, 3]


def test_identity_passes_the_previous_result_on(client, auth, worker):
    save_flow(client, auth, "u/alice/id", {"modules": [{"id": "a", "value": py("return [1, 2]")}, identity("b")]})
    assert run_and_wait(client, auth, "u/alice/id")["result"] == [1, 2]


def test_skip_if_skips_and_stop_after_if_ends_the_flow_early(client, auth, worker):
    save_flow(client, auth, "u/alice/stop", {"schema": NUMBERS, "modules": [
        {"id": "maybe", "value": py("return 'ran'"), "skip_if": {"expr": "flow_input.n == 0"}},
        {"id": "check", "value": py("return n", "n: int"), "input_transforms": {"n": expr("flow_input.n")},
         "stop_after_if": {"expr": "result > 5", "skip_if_stopped": True}},
        {"id": "never_when_stopped", "value": py("return 'end'")}]})
    skipped = run_and_wait(client, auth, "u/alice/stop", {"n": 0})
    assert skipped["result"] == "end"
    assert step(steps(client, auth, skipped["id"]), "maybe")["flow_state"] == {"skipped": True}
    stopped = run_and_wait(client, auth, "u/alice/stop", {"n": 9})
    assert stopped["status"] == "success" and stopped["result"] == 9
    assert stopped["flow_state"] == {"stopped_by": "check", "skipped": True}
    assert "never_when_stopped" not in {r["step_id"] for r in steps(client, auth, stopped["id"])}


def test_sleep_waits_without_holding_a_worker(client, auth, worker):
    save_flow(client, auth, "u/alice/nap", {"modules": [identity("a", sleep=1.5), identity("b")]})
    state = run_and_wait(client, auth, "u/alice/nap")
    rows = steps(client, auth, state["id"])
    from datetime import datetime
    gap = datetime.fromisoformat(step(rows, "b")["created_at"]) - datetime.fromisoformat(step(rows, "a")["finished_at"])
    assert state["status"] == "success" and gap.total_seconds() >= 1.4


def test_a_step_timeout_kills_it_and_fails_the_flow(client, auth, worker):
    save_flow(client, auth, "u/alice/slow", {"modules": [
        {"id": "slow", "value": py("import time\ntime.sleep(30)"), "timeout": 1}]})
    state = run_and_wait(client, auth, "u/alice/slow")
    assert state["status"] == "failure" and state["error"]["step_error"]["kind"] == "timeout"


def test_run_wait_result_answers_with_the_flow_result(client, auth, worker):
    save_flow(client, auth, "u/alice/quick", {"modules": [{"id": "a", "value": py("return {'ok': True}")}]})
    response = client.post("/api/w/main/jobs/run_wait_result/f/u/alice/quick", headers=auth, json={})
    assert response.status_code == 200 and response.json == {"ok": True}


def test_steps_are_listed_with_their_flow_not_in_the_jobs_list(client, auth, worker):
    save_flow(client, auth, "u/alice/listed", {"modules": [identity("a"), identity("b")]})
    state = run_and_wait(client, auth, "u/alice/listed")
    listed = client.get("/api/w/main/jobs", headers=auth).json["items"]
    assert [(j["id"], j["kind"]) for j in listed] == [(state["id"], "flow")]
    assert [r["step_id"] for r in steps(client, auth, state["id"])] == ["a", "b"]


def test_options_of_a_container_apply_once_it_has_run(client, auth, worker):
    save_flow(client, auth, "u/alice/early", {"modules": [
        {"id": "loop", "value": {"type": "forloopflow", "iterator": static([1, 2]), "modules": [identity("each")]},
         "stop_after_if": {"expr": "result | length == 2"}},
        identity("never")]})
    state = run_and_wait(client, auth, "u/alice/early")
    assert state["status"] == "success" and state["result"] == [1, 2]
    assert state["flow_state"]["stopped_by"] == "loop"
    assert "never" not in {r["step_id"] for r in steps(client, auth, state["id"])}
