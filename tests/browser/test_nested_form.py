"""Run forms generated from type hints, in headless Chromium against the real server: nested
objects as fieldsets, lists of objects as rows, and resource pickers from the annotation."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Job
from app.services import resource_types, resources
from app.services.resource_types import TypeDraft
from app.services.resources import ResourceDraft
from tests.browsers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

UNSERVED = "unserved"
"""A queue no worker reads: these tests look at the job the form creates, not at its run."""

ROUTE = '''\
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, TypedDict


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


class Point(TypedDict):
    x: int
    y: int


@dataclass
class Route:
    """A route to draw."""
    name: str
    color: Color = Color.BLUE
    origin: Optional[Point] = None
    stops: list[Point] = field(default_factory=lambda: [{"x": 1, "y": 2}])
    palette: list[Color] = field(default_factory=list)


def main(route: Route, note: str = ""):
    return route
'''

CONNECT = '''\
from typing import TypedDict
from taskmill import Resource


class postgresql(TypedDict):
    host: str


def main(db: postgresql, archive: Resource["s3"] = None):
    return db
'''


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


def by_id(page: Page, element_id: str):
    return page.locator(f'[id="{element_id}"]')


def submitted_args(page: Page, db) -> dict:
    page.click("#run-button")
    page.wait_for_url("**/w/main/jobs/**")
    with db.session() as session:
        return session.scalars(select(Job)).one().args


def test_a_dataclass_parameter_renders_as_nested_fields_and_submits_an_object(page: Page, alice, factory, db):
    factory.script("u/alice/route", ROUTE, tag=UNSERVED)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/route")
    route = page.locator('[data-path="route"]')
    expect(route.locator("legend").first).to_contain_text("Route")
    expect(by_id(page, "arg-route.color")).to_have_value('"blue"')
    expect(by_id(page, "arg-route.stops.0.x")).to_have_value("1")
    expect(by_id(page, "arg-route.origin.x")).to_be_disabled()

    by_id(page, "arg-route.name").fill("ring")
    by_id(page, "arg-route.color").select_option('"red"')
    by_id(page, "arg-route.origin").check()
    by_id(page, "arg-route.origin.x").fill("0")
    by_id(page, "arg-route.origin.y").fill("-3")
    by_id(page, "arg-route.stops-add").click()
    by_id(page, "arg-route.stops.1.x").fill("5")
    by_id(page, "arg-route.stops.1.y").fill("6")
    page.locator('[data-path="route.stops.0"]').locator("xpath=..").locator("[data-remove-row]").click()
    shoot(page, "nested-form-filled")

    assert submitted_args(page, db) == {"route": {
        "name": "ring", "color": "red", "origin": {"x": 0, "y": -3}, "stops": [{"x": 5, "y": 6}],
        "palette": []}}


def test_an_untouched_optional_object_is_left_out(page: Page, alice, factory, db):
    factory.script("u/alice/route", ROUTE, tag=UNSERVED)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/route")
    by_id(page, "arg-route.name").fill("plain")
    assert submitted_args(page, db) == {"route": {
        "name": "plain", "color": "blue", "stops": [{"x": 1, "y": 2}], "palette": []}}


def test_an_empty_row_is_reported_at_its_parameter(page: Page, alice, factory):
    factory.script("u/alice/route", ROUTE, tag=UNSERVED)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/route")
    by_id(page, "arg-route.name").fill("x")
    by_id(page, "arg-route.palette-add").click()
    by_id(page, "arg-route.palette-add").click()
    by_id(page, "arg-route.palette.0").select_option('"red"')
    page.click("#run-button")
    expect(page.locator('[data-error-for="route"]')).to_have_text("palette: item 2 is empty")
    assert "/scripts/get/u/alice/route" in page.url


def test_type_hinted_resource_parameters_get_pickers_whose_choice_is_sent(page: Page, alice, factory, db):
    with factory.db.session() as session:
        actor = factory.actor(session)
        for name in ("postgresql", "s3"):
            resource_types.create(session, actor, name, TypeDraft(schema={"type": "object"}))
        resources.create(session, actor, "u/alice/warehouse",
                         ResourceDraft(resource_type="postgresql", value={"host": "db.internal"}))
        resources.create(session, actor, "u/alice/bucket", ResourceDraft(resource_type="s3", value={}))
    factory.script("u/alice/connect", CONNECT, tag=UNSERVED)
    log_in(page)
    page.goto("/w/main/scripts/get/u/alice/connect")
    expect(page.locator("#arg-db")).to_have_attribute("data-resource-type", "postgresql")
    expect(page.locator("#arg-archive")).to_have_attribute("data-resource-type", "s3")
    expect(page.locator("#arg-db option")).to_have_text(["Choose…", "u/alice/warehouse"])
    page.select_option("#arg-db", "$res:u/alice/warehouse")
    shoot(page, "resource-picker-from-type-hint")
    assert submitted_args(page, db) == {"db": "$res:u/alice/warehouse"}
