"""Form handling shared by the variable and resource pages: on an error the page is shown
again with what the person typed (a JSON value or schema is too long to retype)."""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from app.errors import ValidationFailed
from app.extensions import runtime
from webui.forms import FLASHED_ERRORS, describe


def save_or_rerender(rerender: Callable[[], str], done: str, then: str,
                     action: Callable[..., Any], *args: Any) -> Response | tuple[str, int]:
    """Call `action(session, *args)` in one unit of work; on success flash `done` and go to
    `then`, on a fixable error flash it and render the form again (HTTP 400)."""
    try:
        with runtime().db.session() as session:
            action(session, *args)
    except FLASHED_ERRORS as error:
        flash(describe(error), "error")
        return rerender(), 400
    flash(done, "info")
    return redirect(then)


def json_field(name: str) -> Any:
    """The form field `name` parsed as JSON, or a 400 naming the field and the parse error."""
    try:
        return json.loads(request.form.get(name, ""))
    except ValueError as error:
        raise ValidationFailed(f"{name} is not valid JSON",
                               [{"field": name, "message": str(error)}]) from None


def checkbox(name: str) -> bool:
    return request.form.get(name) in ("on", "true", "1")
