"""Workspace administration in headless Chromium: inviting someone, editing a folder's ACL."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browsers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def log_in(page: Page, login: str, password: str = "correct horse") -> None:
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_admin_invites_and_the_invitee_signs_up(page: Page, factory):
    factory.workspace("main")
    factory.user("root", role=Role.ADMIN)
    log_in(page, "root")
    page.click("nav >> text=Invitations")
    page.select_option("#invite-role", "operator")
    page.click("#create-invitation")
    link = page.locator("#invite-link").input_value()
    assert re.search(r"/invite/[\w-]{20,}$", link)
    shoot(page, "invitation-created")
    page.click("button:has-text('Log out')")

    page.goto(link)
    expect(page.locator("#invite-offer")).to_contain_text("Main")
    expect(page.locator("#invite-offer")).to_contain_text("operator")
    page.fill("#signup-username", "nina")
    page.fill("#signup-email", "nina@example.com")
    page.fill("#signup-password", "a long password")
    page.fill("#signup-password2", "a long password")
    shoot(page, "invite-sign-up")
    page.click("#signup-button")

    expect(page).to_have_url(re.compile(r"/w/main/scripts$"))
    expect(page.locator(".flash-info")).to_contain_text("Welcome, nina!")
    expect(page.locator("nav")).not_to_contain_text("Invitations")  # an operator, not an admin
    page.click("nav >> text=Members")
    expect(page.locator('[data-member="nina"]')).to_contain_text("operator")
    shoot(page, "members-as-operator")


def test_folder_acl_editor_in_the_browser(page: Page, factory):
    factory.workspace("main")
    factory.user("root", role=Role.ADMIN)
    factory.user("alice")
    log_in(page, "root")
    page.click("nav >> text=Groups")
    page.fill("#group-name", "sre")
    page.click("#create-group")
    page.select_option("#add-member", "alice")
    page.click("button:has-text('Add to group')")
    expect(page.locator("#group-members")).to_contain_text("alice")
    page.click("nav >> text=Folders")
    page.fill("#folder-name", "ops")
    page.click("#create-folder")
    page.select_option("[data-principal-select]", "group:sre")
    page.select_option("[data-level-select]", "write")
    page.click("[data-access-form] button[type=submit]")
    expect(page.locator('#acl-table [data-principal="group:sre"]')).to_contain_text("write")
    shoot(page, "folder-acl")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('#acl-table [data-principal="group:sre"] button')
    expect(page.locator("#acl-table")).to_have_count(0)
