"""The Webhooks card of a script page, its buttons, and its signed curl command for real."""
from __future__ import annotations

import json
import re
import subprocess

import pytest
import requests

from tests.browsers import csrf_token, log_in
from tests.webhooks.conftest import HOOK
from webui.webhook_snippets import signed

SCRIPT_PAGE = f"/w/main/scripts/get/{HOOK}"
SECRET_RE = re.compile(r'value="((?:tm_|whsec_)[^"]+)"')


@pytest.fixture()
def browser(client, hook):
    assert log_in(client, "alice").status_code == 302
    return client


def shown_secret(response) -> str:
    found = SECRET_RE.search(response.get_data(as_text=True))
    assert found, "no secret on the page"
    return found.group(1)


def test_the_script_page_has_copyable_commands_for_both_urls(browser):
    page = browser.get(SCRIPT_PAGE).get_data(as_text=True)
    assert 'id="script-webhooks"' in page
    assert f"/api/w/main/jobs/run/p/{HOOK}" in page and f"/api/w/main/jobs/run_wait_result/p/{HOOK}" in page
    assert "Authorization: Bearer &lt;token&gt;" in page
    assert 'id="create-webhook-token"' in page and 'id="enable-signing"' in page


def test_a_webhook_token_is_shown_once_and_runs_only_this_script(browser):
    response = browser.post(f"/w/main/scripts/webhook_token/{HOOK}",
                            data={"csrf_token": csrf_token(browser, SCRIPT_PAGE)})
    assert response.status_code == 201
    token = {"Authorization": f"Bearer {shown_secret(response)}"}
    assert browser.post(f"/api/w/main/jobs/run/p/{HOOK}", json={}, headers=token).status_code == 201
    assert browser.post("/api/w/main/jobs/run/p/u/alice/other", json={}, headers=token).status_code == 404


def test_enabling_signing_shows_the_secret_once_and_an_openssl_snippet(browser):
    response = browser.post(f"/w/main/scripts/webhook_secret/{HOOK}",
                            data={"csrf_token": csrf_token(browser, SCRIPT_PAGE)})
    assert response.status_code == 201 and shown_secret(response).startswith("whsec_")
    page = browser.get(SCRIPT_PAGE).get_data(as_text=True)
    assert "openssl dgst -sha256 -hmac" in page and "X-Taskmill-Signature" in page
    assert 'id="disable-signing"' in page


@pytest.mark.e2e
def test_the_signed_curl_command_is_accepted_by_the_server(server_url, run_token, signing_secret):
    token = run_token["Authorization"].split()[1]
    command = signed(f"{server_url}/api/w/main/jobs/run/p/{HOOK}", '{"n": 7}', token, signing_secret)
    done = subprocess.run(["bash", "-c", command + " --silent --show-error --write-out '\n%{http_code}'"],
                          capture_output=True, text=True, timeout=30)
    body, _, status = done.stdout.rpartition("\n")
    assert status == "201", (done.stdout, done.stderr)
    job_url = f"{server_url}/api/w/main/jobs/{json.loads(body)['id']}"
    assert requests.get(job_url, headers=run_token, timeout=10).json()["args"] == {"n": 7}
