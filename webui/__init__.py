"""The Taskmill dashboard: server-rendered pages on one blueprint, `webui`.

Pages call `app.services.*` for every rule; the few JavaScript islands (editor, run form,
live logs) talk to the REST API with the session cookie and the CSRF token.
"""
from __future__ import annotations

from flask import Flask

from app.extensions import login_manager
from webui import filters
from webui.blueprint import bp
from webui.views import audit, auth, jobs, scripts, tokens  # noqa: F401  (routes attach to `bp`)
from webui.views import folders, groups, invitations, members  # noqa: F401
from webui.views import resource_types, resources, variables  # noqa: F401
from webui.views import schedules, webhooks  # noqa: F401
from webui.views import flows  # noqa: F401


def init_webui(app: Flask) -> None:
    """Register the dashboard blueprint, its template filters and the login page."""
    login_manager.login_view = "webui.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    filters.register(app)
    app.register_blueprint(bp)
    app.register_blueprint(flows.approval_bp)
