"""Flow tests run against the real services; most need the session worker and Docker.

The dashboard tests use the browser fixtures of the tests.browsers plugin.
"""
from __future__ import annotations

