"""The flow run page is live over Server-Sent Events: the graph follows the run without
reloading or polling, a clicked step shows its logs as they arrive and then its result, a
dropped stream is recovered without losing an update; a flow job's page is its run page, a
step's page links to it; the editor points an invalid expression at its line."""
import json
import re
from datetime import datetime

import pytest

from tests.browsers import SHOTS, log_in
from tests.flows.helpers import expr, py, run_flow, save_flow, step, steps, wait_for

SLOW = {"modules": [
    {"id": "slow", "value": py("import time\nprint('tick 1', flush=True)\ntime.sleep(3)\n"
                               "print('tick 2', flush=True)\ntime.sleep(2)\nreturn 'slept'")},
    {"id": "after", "value": py("return previous + '!'", "previous"),
     "input_transforms": {"previous": expr("results.slow")}}]}
DURATION = re.compile(r"\d+(\.\d)? s|\d+ ms")
NOTE_FIRST_LOG_LINE = """() => new MutationObserver(() => {
  if (!window.firstLogAt && document.getElementById('panel-logs').textContent.includes('tick 1'))
    window.firstLogAt = Date.now();
}).observe(document.getElementById('panel-logs'), {childList: true, characterData: true, subtree: true})"""


def browser_login(page) -> None:
    page.goto("/login")
    page.fill("#login", "alice")
    page.fill("#password", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/w/.*"))


def sse_events(client, auth, job_id: str) -> list[tuple[str, object]]:
    response = client.get(f"/api/w/main/jobs/{job_id}/stream", headers=auth)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = []
    for frame in response.get_data(as_text=True).split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines() if not line.startswith(":"))
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.mark.e2e
def test_a_flow_jobs_stream_carries_its_steps_then_done(client, auth, worker):
    save_flow(client, auth, "u/alice/streamed", {"modules": [
        {"id": "one", "value": py("return 1")}, {"id": "two", "value": {"type": "identity"}}]})
    job_id = run_flow(client, auth, "u/alice/streamed")
    wait_for(client, auth, job_id)
    events = sse_events(client, auth, job_id)
    names = [name for name, _ in events]
    assert names[-1] == "done" and {"steps", "job", "approvals"} <= set(names)
    [listed] = [data for name, data in events if name == "steps"]
    assert {(r["step_id"], r["status"]) for r in listed} == {("one", "success"), ("two", "success")}
    assert all("result" not in r for r in listed)  # results are fetched per step
    assert [data["status"] for name, data in events if name == "job"] == ["success"]


@pytest.mark.e2e
def test_a_flow_jobs_page_is_its_run_page_and_a_steps_page_links_to_it(client, auth, worker):
    save_flow(client, auth, "u/alice/linked", {"modules": [{"id": "only", "value": py("return 7")}]})
    job_id = run_flow(client, auth, "u/alice/linked")
    wait_for(client, auth, job_id)
    row = step(steps(client, auth, job_id), "only")
    assert log_in(client, "alice").status_code == 302
    response = client.get(f"/w/main/jobs/get/{job_id}")
    assert response.status_code == 302 and response.location.endswith(f"/w/main/flows/run/{job_id}")
    html = client.get(f"/w/main/jobs/get/{row['id']}").get_data(as_text=True)
    assert 'id="flow-step-banner"' in html
    assert f'href="/w/main/flows/run/{job_id}?step={row["id"]}"' in html


@pytest.mark.browser
@pytest.mark.e2e
def test_the_run_page_follows_the_flow_live_and_shows_a_steps_logs_and_result(page, client, auth, worker):
    save_flow(client, auth, "u/alice/live", SLOW)
    job_id = run_flow(client, auth, "u/alice/live")
    browser_login(page)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/w/main/flows/run/{job_id}")
    page.evaluate("window.loadedOnce = true")
    page.wait_for_selector('#flow-graph g.node.running[data-step="slow"]', timeout=60_000)
    page.evaluate(NOTE_FIRST_LOG_LINE)
    page.click('#flow-graph g.node[data-step="slow"]')
    page.wait_for_function("document.getElementById('panel-logs').textContent.includes('tick 1')")
    page.wait_for_selector("#run-status:text('success')", timeout=60_000)
    page.wait_for_selector('#flow-graph g.node.success[data-step="after"]')
    page.wait_for_function("document.getElementById('panel-result').textContent.includes('slept')")
    assert "tick 2" in page.text_content("#panel-logs")
    finished = datetime.fromisoformat(step(steps(client, auth, job_id), "slow")["finished_at"])
    assert page.evaluate("window.firstLogAt") < finished.timestamp() * 1000  # logs came while it ran
    assert DURATION.search(page.text_content('#flow-graph g.node[data-step="slow"]'))
    page.click('#flow-graph g.node[data-step="after"]')
    page.wait_for_function("document.getElementById('panel-result').textContent.includes('slept!')")
    assert page.evaluate("window.loadedOnce") is True  # never reloaded
    assert any(f"/jobs/{job_id}/stream" in url for url in requested)
    assert not any(url.endswith("/steps") for url in requested)  # no polling
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "flow_run_live.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.e2e
def test_a_dropped_stream_is_recovered_without_losing_updates(page, client, auth, worker):
    save_flow(client, auth, "u/alice/flaky_stream", SLOW)
    job_id = run_flow(client, auth, "u/alice/flaky_stream")
    browser_login(page)
    dropped = []

    def drop_twice(route):
        if len(dropped) < 2:
            dropped.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(rf".*/jobs/{job_id}/stream.*"), drop_twice)
    page.goto(f"/w/main/flows/run/{job_id}")
    page.wait_for_selector("#run-status:text('success')", timeout=60_000)
    page.wait_for_selector('#flow-graph g.node.success[data-step="slow"]')
    page.wait_for_selector('#flow-graph g.node.success[data-step="after"]')
    assert len(dropped) == 2 and page.get_attribute("#flow-run", "data-reconnects") == "2"


@pytest.mark.browser
@pytest.mark.e2e
def test_a_steps_job_page_opens_the_run_with_that_step_shown(page, client, auth, worker):
    save_flow(client, auth, "u/alice/pointed", {"modules": [
        {"id": "first", "value": py("return 'one'")}, {"id": "second", "value": py("return 'two'")}]})
    job_id = run_flow(client, auth, "u/alice/pointed")
    wait_for(client, auth, job_id)
    row = step(steps(client, auth, job_id), "first")
    browser_login(page)
    page.goto(f"/w/main/jobs/get/{row['id']}")
    page.click("#flow-run-link")
    page.wait_for_url(re.compile(rf".*/flows/run/{job_id}\?step=.*"))
    page.wait_for_selector('#flow-graph g.node.selected[data-step="first"]')
    page.wait_for_function("document.getElementById('panel-result').textContent.includes('one')")
    assert page.text_content("#panel-title") == "Step first"


BAD_EXPRESSION = """modules:
  - id: a
    value: {type: identity}
  - id: b
    value:
      type: rawscript
      language: python
      content: |
        def main(x):
            return x
    input_transforms:
      x:
        type: expr
        expr: |
          results.a
          +* 3
"""


@pytest.mark.browser
def test_the_editor_points_an_invalid_expression_at_its_line(page, member):
    browser_login(page)
    page.goto("/w/main/flows/new")
    page.wait_for_selector("#flow-graph svg g.node")
    page.evaluate("text => window.taskmillEditor.setValue(text)", BAD_EXPRESSION)
    page.wait_for_selector("#problems li")
    assert page.inner_text("#problems li").startswith("line 16: module b, ")
    assert "invalid expression" in page.inner_text("#problems li")
    assert page.locator(".cm-error-line").count() == 1
    assert page.text_content(".cm-error-line").strip() == "+* 3"
