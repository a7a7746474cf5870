"""Flow tests run against the real services; most need the session worker and Docker.

The dashboard tests reuse the browser fixtures (Chromium, the live server, a logged-in
client) of tests/browser.
"""
from __future__ import annotations

from tests.browser.conftest import built_assets, chromium, logged_in, member, page  # noqa: F401
