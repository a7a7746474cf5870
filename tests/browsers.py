"""Browser and dashboard fixtures, shared by every test folder (a plugin, see tests/conftest.py):
one headless Chromium per session, pages on the live server, logged-in test clients, and the
helpers that post forms with their CSRF token.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient


WEBUI = Path(__file__).resolve().parents[1] / "webui"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token a page carries in its <meta> tag (bound to the client's session)."""
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no csrf-token meta tag on {url}"
    return match.group(1)


def log_in(client: FlaskClient, login: str, password: str = "correct horse"):
    """Post the login form like a browser does; returns the response."""
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": csrf_token(client)})


@pytest.fixture()
def member(factory):
    """A developer in workspace `main`."""
    factory.workspace("main")
    return factory.user("alice")


@pytest.fixture()
def logged_in(client: FlaskClient, member) -> FlaskClient:
    """A test client with alice's session."""
    assert log_in(client, "alice").status_code == 302
    return client


@pytest.fixture(scope="session")
def built_assets() -> Path:
    """The CodeMirror bundle, built once with webui/build.sh if the setup step has not yet."""
    bundle = WEBUI / "static" / "dist" / "editor.js"
    if not bundle.exists():
        subprocess.run(["bash", str(WEBUI / "build.sh")], check=True)
    return bundle


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path("/tmp/shots")
"""Where the browser tests leave screenshots for a person to look at."""


@pytest.fixture(scope="session")
def chromium(built_assets):
    """One headless Chromium (the system's) for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium, server_url):
    """A fresh browser context (no cookies) on the live server."""
    context = chromium.new_context(base_url=server_url, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
