"""The `webui` blueprint and what every dashboard request shares: login, CSRF, layout, errors."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import workers
from app.auth import SAFE_METHODS
from app.errors import NotFound, TaskmillError
from app.extensions import csrf, login_manager, runtime
from app.authz import Actor, load_actor
from app.services import accounts

bp = Blueprint("webui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/ui/static")

PUBLIC_ENDPOINTS = frozenset({"webui.login", "webui.static", "webui.invite"})
"""Endpoints served without a session: the login page, invitation links and the assets they need."""
LAST_WORKSPACE_KEY = "webui_workspace"
"""Session key of the workspace last visited, so /tokens can link back to it."""


def actor_or_404(ws: str) -> Actor:
    """The logged-in user acting in `ws` (NotFound renders the 404 page if they may not enter it)."""
    return load_actor(runtime().db.scoped, ws, current_user._get_current_object())


@bp.before_request
def _require_login_and_csrf():
    # CSRF first: a forged login POST must fail even without a session.
    if request.method not in SAFE_METHODS:
        csrf.protect()
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.url_value_preprocessor
def _remember_workspace(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Written only on change, so most responses do not re-send the session cookie.
    if values and "ws" in values and session.get(LAST_WORKSPACE_KEY) != values["ws"]:
        session[LAST_WORKSPACE_KEY] = values["ws"]


@bp.context_processor
def _layout_context() -> dict[str, Any]:
    """Values base.html needs on every page: workspaces, the current one and the user's role
    in it (to show admin links), the banner flag."""
    if not current_user.is_authenticated:
        return {"unsandboxed": False}
    workspaces = accounts.workspaces_of(runtime().db.scoped, current_user)
    wanted = (request.view_args or {}).get("ws") or session.get(LAST_WORKSPACE_KEY)
    current = next((w for w in workspaces if w.id == wanted), workspaces[0] if workspaces else None)
    role = actor_or_404(current.id).role.value if current else None
    return {"workspaces": workspaces, "nav_workspace": current, "nav_role": role,
            "unsandboxed": workers.any_unsandboxed(runtime().events.client)}


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    return _error_page(404, "Not found", error.message)


@bp.errorhandler(TaskmillError)
def _taskmill_error(error: TaskmillError):
    return _error_page(error.status, "Something is not right", error.message)


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError):
    return _error_page(400, "Form expired",
                       "The form's security token is missing or expired. Go back, reload "
                       "the page and try again.")
