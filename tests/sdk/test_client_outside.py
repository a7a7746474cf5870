"""The SDK used from outside, as from a notebook, against a running server and worker."""
import pytest

from taskmill import Client, JobFailed, NotFound, Unauthorized, ValidationError

pytestmark = pytest.mark.e2e


@pytest.fixture()
def tm(factory, server_url, worker) -> Client:
    factory.workspace("main")
    alice = factory.user("alice")
    factory.script("u/alice/add", "def main(a: int, b: int = 2):\n    print('adding')\n    return a + b\n")
    factory.script("u/alice/boom", "def main():\n    x = 1\n    raise RuntimeError('boom')\n")
    factory.script("u/alice/slow", "import time\ndef main():\n    time.sleep(30)\n")
    return Client(server_url, factory.token(alice), "main")


def test_run_script_returns_the_result(tm):
    assert tm.run_script("u/alice/add", {"a": 40}) == 42


def test_async_run_then_wait_and_get(tm):
    job_id = tm.run_script_async("u/alice/add", {"a": 1, "b": 1})
    assert tm.wait_job(job_id, timeout_s=60) == 2
    assert tm.get_result(job_id) == 2
    assert tm.get_job(job_id)["status"] == "success"


def test_failure_raises_job_failed_with_the_remote_traceback(tm):
    with pytest.raises(JobFailed) as caught:
        tm.run_script("u/alice/boom")
    assert caught.value.kind == "exception"
    assert "RuntimeError: boom" in caught.value.traceback and "line 3" in caught.value.traceback


def test_cancel_ends_a_running_job(tm):
    job_id = tm.run_script_async("u/alice/slow")
    tm.cancel_job(job_id)
    with pytest.raises(JobFailed) as caught:
        tm.wait_job(job_id, timeout_s=30)
    assert caught.value.job_status == "canceled"


def test_typed_errors_for_missing_things_bad_args_and_bad_tokens(tm, server_url):
    with pytest.raises(NotFound):
        tm.run_script("u/alice/nope")
    with pytest.raises(ValidationError) as caught:
        tm.run_script("u/alice/add", {"a": "x"})
    assert caught.value.details[0]["field"] == "a"
    with pytest.raises(Unauthorized):
        Client(server_url, "tm_wrong", "main").get_job("x")


def test_progress_display_does_not_change_the_result(tm):
    assert tm.run_script("u/alice/add", {"a": 1}, progress=True) == 3


def test_run_many_starts_one_job_per_argument_set_in_order(tm):
    ids = tm.run_script_many("u/alice/add", [{"a": i} for i in range(5)])
    assert len(ids) == len(set(ids)) == 5
    assert [tm.wait_job(job_id, timeout_s=60) for job_id in ids] == [2, 3, 4, 5, 6]


def test_run_many_is_all_or_none(tm):
    with pytest.raises(ValidationError) as caught:
        tm.run_script_many("u/alice/add", [{"a": 1}, {"a": "x"}, {"b": 1}])
    assert {d["field"] for d in caught.value.details} == {"runs/1/a", "runs/2/a"}
