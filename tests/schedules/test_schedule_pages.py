"""Schedule pages: the list with next fires, the form with per-field errors, run now, toggling."""
from __future__ import annotations

import pytest

from tests.browsers import csrf_token, log_in
from tests.schedules.conftest import TARGET, create

FORM = {"path": "u/alice/nightly", "summary": "", "cron": "30 2 * * *", "timezone": "Europe/Paris",
        "script_path": TARGET, "args": '{"n": 3}', "on_failure_path": "", "enabled": "on"}


@pytest.fixture()
def browser(client, target):
    assert log_in(client, "alice").status_code == 302
    return client


def post_form(client, url: str, page: str, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_each_schedule_with_its_cron_in_words_and_next_fires(browser, auth):
    create(browser, auth)
    page = text(browser.get("/w/main/schedules"))
    assert 'href="/w/main/schedules"' in page  # the nav link
    assert "u/alice/nightly" in page and "At 02:30 (Europe/Paris)" in page
    assert page.count("02:30:00 CE") == 5  # next five fires, in Paris time


def test_the_form_shows_each_invalid_field_and_keeps_what_was_typed(browser):
    response = post_form(browser, "/w/main/schedules/new", "/w/main/schedules/new",
                         **{**FORM, "cron": "61 * * * *", "timezone": "Mars/Olympus", "args": '{"n": "x"}'})
    assert response.status_code == 400
    page = text(response)
    assert 'data-error-for="cron"' in page and 'data-error-for="timezone"' in page
    assert 'data-error-for="args"' in page and "n: " in page
    assert 'value="Mars/Olympus"' in page


def test_arguments_that_are_not_json_are_a_field_error(browser):
    new = "/w/main/schedules/new"
    response = post_form(browser, new, new, **{**FORM, "args": "{n: 3"})
    assert response.status_code == 400 and 'data-error-for="args"' in text(response)


def test_a_created_schedule_can_be_run_now_and_shows_its_runs(browser):
    created = post_form(browser, "/w/main/schedules/new", "/w/main/schedules/new", **FORM)
    assert created.status_code == 302 and created.location.endswith("/w/main/schedules/get/u/alice/nightly")
    show = "/w/main/schedules/get/u/alice/nightly"
    ran = post_form(browser, "/w/main/schedules/run_now/u/alice/nightly", show)
    assert ran.status_code == 302 and "/w/main/jobs/get/" in ran.location
    page = text(browser.get(show))
    assert 'id="runs-table"' in page and ran.location.rsplit("/", 1)[1][:8] in page


def test_the_toggle_disables_and_enables(browser, auth, mirror):
    create(browser, auth)
    show = "/w/main/schedules/get/u/alice/nightly"
    post_form(browser, "/w/main/schedules/toggle/u/alice/nightly", show)
    assert "disabled" in text(browser.get(show)) and mirror.last_runs() == {}
    post_form(browser, "/w/main/schedules/toggle/u/alice/nightly", show, back="list")
    assert len(mirror.last_runs()) == 1


def test_editing_keeps_the_path_and_saves_new_fields(browser, auth):
    create(browser, auth)
    edit = "/w/main/schedules/edit/u/alice/nightly"
    assert 'value="30 2 * * *"' in text(browser.get(edit))
    saved = post_form(browser, edit, edit, **{**FORM, "cron": "0 6 * * *"})
    assert saved.status_code == 302
    assert "At 06:00" in text(browser.get("/w/main/schedules/get/u/alice/nightly"))
