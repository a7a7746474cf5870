"""The dashboard in headless Chromium against the real server, worker, Postgres and Redis."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browsers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

JOB_TIMEOUT_MS = 90_000
"""A first job may wait for a container or a cold worker."""

GREETER = '''\
import time


def main(name: str, times: int = 2):
    """Greet someone a few times.

    Args:
        name: Who to greet.
        times: How many greetings.
    """
    print(f"starting for {name}", flush=True)
    time.sleep(1.5)
    for i in range(times):
        print(f"hello {name} #{i}", flush=True)
    return {"greeting": f"hi {name}", "times": times}
'''

BROKEN = '''\
def main(x: int = 1):
    y = x +
    return y
'''

FAILING = '''\
def main(amount: int = 5):
    print("about to fail", flush=True)
    raise ValueError(f"amount {amount} is too small")
'''

SLEEPER = '''\
import time


def main(seconds: int = 60):
    print("sleeping", flush=True)
    time.sleep(seconds)
'''


@pytest.fixture()
def alice(factory):
    factory.workspace("main")
    return factory.user("alice")


def save(factory, path: str, code: str, summary: str = "") -> None:
    """A script saved straight through the service, for tests that are not about the editor."""
    factory.script(path, code, summary=summary)


def log_in(page: Page, login: str = "alice", password: str = "correct horse") -> None:
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button[type=submit]")


def write_script(page: Page, path: str, code: str) -> None:
    page.goto("/w/main/scripts/new")
    page.wait_for_function("window.taskmillEditor !== undefined")  # CodeMirror is mounted
    page.fill("#path", path)
    page.fill("#summary", "Greets people")
    page.evaluate("code => window.taskmillEditor.setValue(code)", code)
    page.click("#save-script")


def test_wrong_password_shows_an_error(page: Page, alice):
    log_in(page, password="not it")
    expect(page.locator("#login-error")).to_have_text("Wrong username, email or password.")
    shoot(page, "login-error")


def test_syntax_error_on_save_is_shown_on_its_line(page: Page, alice):
    log_in(page)
    write_script(page, "u/alice/broken", BROKEN)
    expect(page.locator("#content-error")).to_contain_text("line 2")
    expect(page.locator(".cm-error-line")).to_have_text("    y = x +")
    expect(page).to_have_url(re.compile(r"/scripts/new$"))
    shoot(page, "syntax-error")


def test_missing_required_argument_is_shown_next_to_its_field(page: Page, alice):
    log_in(page)
    write_script(page, "u/alice/greet", GREETER)
    expect(page).to_have_url(re.compile(r"/w/main/scripts/get/u/alice/greet$"))
    page.click("#run-button")
    expect(page.locator('[data-error-for="name"]')).to_contain_text("required")


def test_run_a_new_script_from_its_generated_form(page: Page, alice, worker):
    log_in(page)
    expect(page).to_have_url(re.compile(r"/w/main/scripts$"))
    shoot(page, "scripts-empty")
    write_script(page, "u/alice/greet", GREETER)

    expect(page).to_have_url(re.compile(r"/w/main/scripts/get/u/alice/greet$"))
    expect(page.locator("#arg-times")).to_have_value("2")
    expect(page.locator('[data-field="name"] .required')).to_be_visible()
    expect(page.locator('[data-field="name"] .help')).to_have_text("Who to greet.")
    shoot(page, "script-page")
    page.fill("#arg-name", "Ada")
    page.fill("#arg-times", "3")
    page.click("#run-button")

    expect(page).to_have_url(re.compile(r"/w/main/jobs/get/[0-9a-f-]{36}$"))
    page.evaluate("window.stillTheSamePage = true")  # a reload would drop this flag
    expect(page.locator("#job-status")).to_have_text("success", timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#job-logs")).to_contain_text("hello Ada #2")
    expect(page.locator("#job-result")).to_contain_text('"greeting": "hi Ada"')
    expect(page.locator("#cancel-job")).to_be_hidden()
    assert page.evaluate("window.stillTheSamePage") is True
    shoot(page, "job-success")

    page.goto("/w/main/jobs")
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    expect(page.locator("table.table tbody")).to_contain_text("success")
    shoot(page, "jobs-list")


def test_failed_job_shows_its_error_and_traceback(page: Page, alice, db, worker, factory):
    save(factory, "u/alice/fail", FAILING, "Always fails")
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/fail")
    page.click("#run-button")
    expect(page.locator("#job-status")).to_have_text("failure", timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#error-message")).to_contain_text("amount 5 is too small")
    expect(page.locator("#error-traceback")).to_contain_text("ValueError")
    expect(page.locator("#job-logs")).to_contain_text("about to fail")
    shoot(page, "job-failure")


def test_cancel_stops_a_running_job(page: Page, alice, db, worker, factory):
    save(factory, "u/alice/sleep", SLEEPER)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/sleep")
    page.click("#run-button")
    expect(page.locator("#job-logs")).to_contain_text("sleeping", timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#live-indicator")).to_be_visible()
    shoot(page, "job-running")
    page.click("#cancel-job")
    expect(page.locator("#job-status")).to_have_text("canceled", timeout=30_000)
    expect(page.locator("#cancel-job")).to_be_hidden()


def test_editing_a_script_saves_a_new_version(page: Page, alice, db, factory):
    save(factory, "u/alice/greet", GREETER, "Greets people")
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/greet")
    first_hash = page.inner_text("#script-hash")
    page.click("#edit-script")
    expect(page.locator("#path")).to_have_attribute("readonly", "")
    page.fill("#summary", "Greets people politely")
    shoot(page, "script-edit")
    page.click("#save-script")
    expect(page.locator(".lead")).to_have_text("Greets people politely")
    assert page.inner_text("#script-hash") != first_hash
    page.click("text=Versions")
    expect(page.locator("details.version")).to_have_count(2)
    shoot(page, "script-versions")
    page.goto("/w/main/scripts")
    shoot(page, "scripts-list")


def test_a_new_token_is_shown_once(page: Page, alice):
    log_in(page)
    page.goto("/tokens")
    page.fill("#token-label", "laptop SDK")
    page.click("#create-token")
    secret = page.input_value("#token-secret")
    assert secret.startswith("tm_")
    expect(page.locator("table.table")).to_contain_text("laptop SDK")
    shoot(page, "tokens-created")
    page.goto("/tokens")
    expect(page.locator("#token-secret")).to_have_count(0)


def test_unknown_script_shows_the_not_found_page(page: Page, alice):
    log_in(page)
    response = page.goto("/w/main/scripts/get/u/alice/nothing-here")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    shoot(page, "not-found")


def test_jobs_list_refreshes_itself_while_a_job_runs(page: Page, alice, db, worker, factory):
    save(factory, "u/alice/greet", GREETER)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/greet")
    page.fill("#arg-name", "Bob")
    page.click("#run-button")
    expect(page).to_have_url(re.compile(r"/jobs/get/"))
    page.goto("/w/main/jobs")
    page.evaluate("window.stillTheSamePage = true")
    expect(page.locator("#jobs-table .badge")).to_have_text("success", timeout=JOB_TIMEOUT_MS)
    assert page.evaluate("window.stillTheSamePage") is True
