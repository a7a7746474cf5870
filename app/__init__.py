"""Taskmill web application: the REST API and the dashboard, built by `create_app()`."""
from __future__ import annotations

from flask import Flask

from config import Settings, load_settings


def _flask_config(settings: Settings) -> dict:
    return {
        "SECRET_KEY": settings.resolved_secret_key(),
        "MAX_CONTENT_LENGTH": settings.max_request_bytes,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked explicitly for cookie sessions only
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "Taskmill",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from `settings` (default: the `TASKMILL_*` environment)."""
    from app.api import init_api
    from app.extensions import csrf, login_manager
    from app.runtime import Runtime
    from webui import init_webui
    from worker.celery_app import make_celery

    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(_flask_config(settings))
    app.json.sort_keys = False
    runtime = Runtime.build(settings, make_celery(settings))
    app.extensions["taskmill"] = runtime
    login_manager.init_app(app)
    csrf.init_app(app)
    init_api(app)
    init_webui(app)
    app.teardown_appcontext(lambda _exc: runtime.db.scoped.remove())
    return app
