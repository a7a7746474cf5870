"""The flow pages: the editor validates as you type and draws the graph, the run page shows
each step's live status, and a signed approval link opens a page that approves."""
import re
from urllib.parse import urlparse

import pytest

from tests.browsers import SHOTS, csrf_token
from tests.flows.helpers import as_yaml, expr, py, run_flow, save_flow, wait_for

FLOW = {"schema": {"type": "object", "properties": {"n": {"type": "integer", "default": 2}}},
        "modules": [{"id": "fetch", "value": py("return list(range(n))", "n: int"),
                     "input_transforms": {"n": expr("flow_input.n")}},
                    {"id": "each", "value": {"type": "forloopflow", "iterator": expr("results.fetch"),
                                             "modules": [{"id": "keep", "value": {"type": "identity"}}]}}]}


def test_flow_pages_render(logged_in):
    assert logged_in.get("/w/main/flows").status_code == 200
    editor = logged_in.get("/w/main/flows/new").get_data(as_text=True)
    assert 'data-language="yaml"' in editor and "flow_input.name" in editor


def test_the_flow_page_has_a_run_form_from_the_schema_and_the_graph(logged_in):
    token = csrf_token(logged_in, "/w/main/flows")
    response = logged_in.post("/api/w/main/flows", json={"path": "u/alice/show", **FLOW},
                              headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.json
    html = logged_in.get("/w/main/flows/get/u/alice/show").get_data(as_text=True)
    assert 'data-field="n"' in html and 'id="flow-definition"' in html


@pytest.mark.browser
@pytest.mark.e2e
def test_edit_run_and_watch_a_flow_in_the_browser(page, member, worker):
    page.goto("/login")
    page.fill("#login", "alice")
    page.fill("#password", "correct horse")
    page.click("button[type=submit]")
    page.goto("/w/main/flows/new")
    page.wait_for_selector("#flow-graph svg g.node")
    page.fill("#path", "u/alice/browser")
    page.evaluate("window.taskmillEditor.setValue('modules:\\n  - id: a\\n    value: {type: identity}\\n  - id: b\\n    value: {type: identity}\\n    input_transforms: {x: {type: expr, expr: results.nope}}\\n')")
    page.wait_for_selector("#problems li")
    assert "line 6" in page.inner_text("#problems") and "unknown step id 'nope'" in page.inner_text("#problems")
    assert page.locator(".cm-error-line").count() == 1
    page.evaluate("text => window.taskmillEditor.setValue(text)", as_yaml(FLOW))
    page.wait_for_selector("#problems", state="hidden")
    page.wait_for_selector('#flow-graph g.node[data-step="keep"]')
    page.click("#save-flow")
    page.wait_for_url(re.compile(r".*/flows/get/u/alice/browser$"))
    page.fill("#arg-n", "3")
    page.click("#run-button")
    page.wait_for_url(re.compile(r".*/flows/run/.*"))
    page.wait_for_selector("#run-status:text('success')", timeout=60_000)
    page.wait_for_selector('#flow-graph g.node.success[data-step="keep"]')
    assert "3/3" in page.text_content('#flow-graph g.node[data-step="keep"]')
    page.click('#flow-graph g.node[data-step="fetch"]')
    page.wait_for_function("document.getElementById('panel-result').textContent.includes('2')")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "flow_run.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.e2e
def test_a_signed_approval_link_opens_a_page_that_approves(page, client, auth, worker, server_url):
    save_flow(client, auth, "u/alice/gate", {"modules": [
        {"id": "ask", "value": {"type": "identity"},
         "suspend": {"schema": {"type": "object", "properties": {"note": {"type": "string"}}}}},
        {"id": "after", "value": py("return r", "r"), "input_transforms": {"r": expr("resume")}}]})
    job_id = run_flow(client, auth, "u/alice/gate")
    wait_for(client, auth, job_id, statuses={"suspended"})
    link = client.get(f"/api/w/main/jobs/{job_id}/approvals", headers=auth).json[0]["approval_page"]
    page.goto(server_url + urlparse(link).path)
    page.fill("#arg-note", "looks good")
    page.click("#approve-button")
    page.wait_for_selector("#approval-status:text('resumed')")
    assert wait_for(client, auth, job_id)["result"] == {"note": "looks good"}
