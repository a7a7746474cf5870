"""Dashboard pages through Flask's test client: login, CSRF, 404s, forms, tokens, banners."""
from __future__ import annotations

import redis

from app import workers
from app.services import jobs, scripts
from tests.browsers import csrf_token, log_in
from tests.conftest import TEST_REDIS

PARAMS_SCRIPT = '''\
from typing import Literal

def main(name: str, count: int = 2, loud: bool = False, tags: list[str] = ["a"],
         mode: Literal["fast", "slow"] = "slow"):
    """Say hi.

    Args:
        name: Who to greet.
    """
    return name
'''


def save_script(factory, path: str = "u/alice/hello", content: str = PARAMS_SCRIPT):
    return factory.script(path, content, summary="Greets")


def test_pages_redirect_to_login_when_logged_out(client, member):
    response = client.get("/w/main/scripts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_shows_a_message_not_a_crash(client, member):
    response = log_in(client, "alice", "wrong")
    assert response.status_code == 200
    assert "Wrong username, email or password." in response.get_data(as_text=True)


def test_login_by_email_goes_to_the_first_workspace(client, member):
    assert log_in(client, "alice@example.com").status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/w/main/scripts"


def test_login_never_redirects_off_site(client, member):
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x",
                           data={"login": "alice", "password": "correct horse", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_form_post_without_csrf_token_is_rejected(logged_in):
    response = logged_in.post("/tokens", data={"label": "no token"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_login_post_without_csrf_token_is_rejected(client, member):
    response = client.post("/login", data={"login": "alice", "password": "correct horse"})
    assert response.status_code == 400


def test_unknown_workspace_script_and_job_render_the_404_page(logged_in, factory):
    factory.workspace("other")  # exists, but alice is not a member: same answer as unknown
    for url in ("/w/nope/scripts", "/w/other/jobs", "/w/main/scripts/get/u/alice/missing",
                "/w/main/jobs/get/00000000-0000-0000-0000-000000000000"):
        response = logged_in.get(url)
        assert response.status_code == 404, url
        assert "Not found" in response.get_data(as_text=True)


def test_scripts_list_shows_saved_scripts(logged_in, db, factory):
    save_script(factory)
    page = logged_in.get("/w/main/scripts").get_data(as_text=True)
    assert "u/alice/hello" in page and "Greets" in page and "New script" in page


def test_script_page_renders_a_run_form_from_the_schema(logged_in, db, factory):
    save_script(factory)
    page = logged_in.get("/w/main/scripts/get/u/alice/hello").get_data(as_text=True)
    assert 'data-field="name" data-kind="string"' in page
    assert 'data-required="true"' in page and "Who to greet." in page
    assert 'id="arg-count" name="count" value="2"' in page
    assert 'type="checkbox" id="arg-loud"' in page
    assert '<option value="&#34;slow&#34;" selected>slow</option>' in page
    order = [page.index(f'data-field="{name}"') for name in ("name", "count", "mode")]
    assert order == sorted(order)


def test_editor_page_prefills_the_starter_for_a_new_script(logged_in):
    page = logged_in.get("/w/main/scripts/new").get_data(as_text=True)
    assert 'def main(name: str = &#34;world&#34;, count: int = 1):' in page
    assert 'id="script-content"' in page


def test_archive_hides_the_script(logged_in, db, factory):
    save_script(factory)
    token = csrf_token(logged_in, "/w/main/scripts")
    response = logged_in.post("/w/main/scripts/archive/u/alice/hello", data={"csrf_token": token})
    assert response.status_code == 302
    page = logged_in.get("/w/main/scripts").get_data(as_text=True)
    assert "No scripts yet" in page and "/scripts/get/u/alice/hello" not in page


def test_created_token_secret_is_shown_once_and_can_be_revoked(logged_in):
    token = csrf_token(logged_in, "/tokens")
    created = logged_in.post("/tokens", data={"label": "laptop", "workspace_id": "main",
                                              "expires_days": "30", "csrf_token": token})
    body = created.get_data(as_text=True)
    assert created.status_code == 201 and 'id="token-secret"' in body and "value=\"tm_" in body
    listing = logged_in.get("/tokens").get_data(as_text=True)
    assert "laptop" in listing and 'id="token-secret"' not in listing
    token_id = listing.split("/tokens/")[1].split("/revoke")[0]
    revoked = logged_in.post(f"/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302
    assert "No active tokens." in logged_in.get("/tokens").get_data(as_text=True)


def test_unsandboxed_banner_appears_when_a_worker_runs_locally(logged_in):
    client = redis.Redis.from_url(TEST_REDIS)
    assert "UNSANDBOXED" not in logged_in.get("/w/main/scripts").get_data(as_text=True)
    workers.report_runner(client, "w1", "local", sandboxed=False)
    assert "UNSANDBOXED" in logged_in.get("/w/main/scripts").get_data(as_text=True)


def test_logout_ends_the_session(logged_in):
    token = csrf_token(logged_in, "/tokens")
    assert logged_in.post("/logout", data={"csrf_token": token}).status_code == 302
    assert logged_in.get("/tokens").status_code == 302


def make_job(factory, runner: str | None = None):
    """A job row for the saved script, as the worker would leave it."""
    with factory.db.session() as session:
        alice = factory.actor(session)
        script = scripts.latest(session, alice, "u/alice/hello")
        job = jobs.create_job(session, script, {"name": "Ada"}, jobs.Trigger("ui", alice))
        job.runner = runner
        return job.id


def test_job_page_warns_when_the_job_ran_unsandboxed(logged_in, db, factory):
    save_script(factory)
    sandboxed, local = make_job(factory, "docker"), make_job(factory, "local")
    warning = 'id="local-runner-warning" hidden'
    assert warning in logged_in.get(f"/w/main/jobs/get/{sandboxed}").get_data(as_text=True)
    page = logged_in.get(f"/w/main/jobs/get/{local}").get_data(as_text=True)
    assert 'id="local-runner-warning" >' in page or 'id="local-runner-warning">' in page


def test_jobs_list_filters_by_status_and_path(logged_in, db, factory):
    save_script(factory)
    job_id = make_job(factory)
    assert job_id[:8] in logged_in.get("/w/main/jobs?status=queued&path=u/alice").get_data(as_text=True)
    assert job_id[:8] not in logged_in.get("/w/main/jobs?status=success").get_data(as_text=True)
    assert job_id[:8] not in logged_in.get("/w/main/jobs?path=f/").get_data(as_text=True)
