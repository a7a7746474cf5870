"""Plain HTML form posts on the admin pages: run one service call, flash how it went, go back."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, TypeVar

from flask import flash, redirect, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.authz import Actor
from app.errors import Conflict, InvalidState, TaskmillError, ValidationFailed
from app.extensions import runtime
from app.services import groups, members

E = TypeVar("E", bound=Enum)

FLASHED_ERRORS = (ValidationFailed, Conflict, InvalidState)
"""Errors a person can fix on the same page; 403 and 404 still render their error pages."""


def describe(error: TaskmillError) -> str:
    """The error's message, followed by any per-field messages it does not already say."""
    details = error.details if isinstance(error.details, list) else []
    extra = [f"{d['field']}: {d['message']}" for d in details
             if isinstance(d, dict) and d.get("message") and d["message"] not in error.message]
    return "; ".join([error.message, *extra])


def submit(back: str, done: str, action: Callable[..., Any], *args: Any,
           then: str | None = None) -> Response:
    """Call `action(session, *args)` in one unit of work and flash `done` or the error.

    Redirects to `back` (the form's page), or to `then` when given and the action succeeded.
    """
    try:
        with runtime().db.session() as session:
            action(session, *args)
    except FLASHED_ERRORS as error:
        flash(describe(error), "error")
        return redirect(back)
    flash(done, "info")
    return redirect(then or back)


def choice(enum_cls: type[E], field: str) -> E:
    """The form field `field` as a member of `enum_cls` (by value), or a 400 naming the field."""
    value = request.form.get(field, "")
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationFailed(f"{field} must be one of {allowed}",
                               [{"field": field, "message": f"one of {allowed}"}]) from None


@dataclass(frozen=True)
class PrincipalChoices:
    """What a "user or group" picker offers; option values are `user:<name>` / `group:<name>`."""

    users: list[str]
    groups: list[str]


def principal_choices(session: Session, actor: Actor) -> PrincipalChoices:
    return PrincipalChoices(users=[m.username for m in members.list_members(session, actor)],
                            groups=[g.name for g in groups.list_groups(session, actor)])


def principal(field: str = "principal") -> dict[str, str]:
    """A picker's value as the services take it: `group:ops` → `{"group": "ops"}`."""
    kind, _, name = request.form.get(field, "").partition(":")
    return {kind or "user": name}
