"""The REST API: one blueprint per resource, all under /api."""
from flask import Flask

from app.api import account, jobs, scripts
from app.api.errors import TaskmillApi, register_error_handlers

BLUEPRINTS = (account.blp, scripts.blp, jobs.blp)


def init_api(app: Flask) -> TaskmillApi:
    api = TaskmillApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    return api
