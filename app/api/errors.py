"""Every error, from our code or from Flask, leaves the API as {error: {code, message, details}}."""
from __future__ import annotations

from flask import Flask, jsonify, request
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.schemas import ErrorSchema
from app.errors import TaskmillError

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests"}


def error_response(status: int, code: str, message: str, details=None):
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


class TaskmillApi(Api):
    """flask-smorest's Api with our error shape instead of its own."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        if not request.path.startswith("/api"):
            return error  # dashboard pages render Flask's own error pages
        if error.code == 422:  # webargs: a request body or query that fails its schema
            messages = getattr(error, "data", {}).get("messages", {})
            return error_response(400, "validation_error", "invalid request", _flatten(messages))
        return error_response(error.code or 500, HTTP_CODES.get(error.code, "http_error"),
                              error.description or error.name)


def _flatten(messages: dict) -> list[dict]:
    details = []
    for location in messages.values():
        for field, problems in location.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                details.append({"field": field, "message": str(problem)})
    return details


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TaskmillError)
    def _taskmill_error(error: TaskmillError):
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        if request.path.startswith("/api"):
            return error_response(400, "csrf_failed", error.description)
        return error
