"""The REST API: one blueprint per resource, all under /api."""
from flask import Flask

from app.api import account, audit, folders, groups, invitations, jobs, members, scripts, shares
from app.api import resource_types, resources, state, variables
from app.api import schedules, webhooks
from app.api import flows
from app.api.errors import TaskmillApi, register_error_handlers

BLUEPRINTS = (account.blp, scripts.blp, jobs.blp, members.blp, invitations.blp, groups.blp,
              folders.blp, shares.blp, audit.blp, variables.blp, resource_types.blp, resources.blp,
              state.blp, schedules.blp, webhooks.blp, flows.blp, flows.runs_blp,
              flows.approvals_blp)


def init_api(app: Flask) -> TaskmillApi:
    api = TaskmillApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    return api
