"""The Variables and Resources pages in headless Chromium against the real server."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.crypto import secret_box
from app.models import Job, Script
from app.services import resource_types, resources, variables
from app.services.resource_types import TypeDraft
from app.services.resources import ResourceDraft
from app.services.variables import VariableDraft
from tests.browsers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture()
def alice(factory):
    factory.workspace("main")
    return factory.user("alice")


def log_in(page: Page) -> None:
    page.goto("/login")
    page.fill("#login", "alice")
    page.fill("#password", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url("**/w/main/scripts")


def test_a_secret_is_masked_until_revealed(page: Page, alice, factory):
    with factory.db.session() as session:
        variables.create(session, factory.actor(session), secret_box(factory.settings), "u/alice/api_key",
                         VariableDraft(value="tok-browser-5ecret", is_secret=True))
    log_in(page)
    page.click("nav >> text=Variables")
    row = page.locator('tr[data-path="u/alice/api_key"]')
    expect(row).to_contain_text("•••••")
    expect(row).not_to_contain_text("tok-browser-5ecret")
    row.locator("[data-reveal]").click()
    expect(row).to_contain_text("tok-browser-5ecret")
    shoot(page, "variables-revealed")


def test_a_variable_created_as_secret_shows_masked(page: Page, alice):
    log_in(page)
    page.goto("/w/main/variables")
    page.fill("#variable-path", "u/alice/pw")
    page.fill("#variable-value", "typed-5ecret")
    page.check("#variable-secret")
    page.click("#create-variable")
    expect(page.locator(".flash-info")).to_contain_text("Created u/alice/pw")
    expect(page.locator('tr[data-path="u/alice/pw"]')).to_contain_text("•••••")


def test_the_run_form_picks_a_resource_by_type(page: Page, alice, factory, db):
    with factory.db.session() as session:
        actor = factory.actor(session)
        resource_types.create(session, actor, "pg", TypeDraft(schema={"type": "object"}))
        resources.create(session, actor, "u/alice/warehouse", ResourceDraft(resource_type="pg", value={"host": "h"}))
    factory.script("u/alice/connect", "def main(db: dict):\n    return db\n", tag="unserved")
    with factory.db.session() as session:  # introspection does not emit resource formats yet
        script = session.query(Script).filter_by(path="u/alice/connect").one()
        script.schema = {**script.schema, "properties": {"db": {"type": "object", "format": "resource-pg"}}}
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/connect")
    page.select_option("#arg-db", "$res:u/alice/warehouse")
    page.click("#run-button")
    page.wait_for_url("**/w/main/jobs/**")
    with db.session() as session:
        job = session.scalars(select(Job)).one()
    assert job.args == {"db": "$res:u/alice/warehouse"}
