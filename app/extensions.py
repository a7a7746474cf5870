"""Flask extensions, created unbound here and bound to an app in create_app()."""
from flask import current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from app.runtime import Runtime

login_manager = LoginManager()
csrf = CSRFProtect()


def runtime() -> Runtime:
    """The current app's Runtime (database, events, queue, settings)."""
    return current_app.extensions["taskmill"]
