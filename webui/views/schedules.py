"""Schedule pages: the list with next fire times, the form (new and edit) with per-field
errors, one schedule with its runs, and the enable / run now / delete buttons."""
from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.authz import Action, can
from app.beat import BeatMirror
from app.errors import Conflict, ValidationFailed
from app.extensions import runtime
from app.models import JobKind, Schedule, TargetKind
from app.services import flows as flow_service, schedule_firing
from app.services import schedules as schedule_service, scripts as script_service
from app.services.schedule_checks import ScheduleDraft
from webui.blueprint import actor_or_404, bp

RUNS_SHOWN = 25
"""Runs on a schedule's page: its recent history at a glance."""


@cache
def timezone_names() -> list[str]:
    return sorted(available_timezones())


@bp.app_template_filter("localtime")
def localtime(moment: datetime, tz_name: str) -> str:
    """A UTC instant as wall-clock time in `tz_name`, with the zone's abbreviation."""
    return moment.astimezone(ZoneInfo(tz_name)).strftime("%Y-%m-%d %H:%M:%S %Z")


def _mirror() -> BeatMirror:
    return BeatMirror(runtime().queue.celery)


@bp.get("/w/<ws>/schedules")
def schedules(ws: str):
    """Every schedule the user may read, with its next fires and last run status."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    items = schedule_service.present(session, schedule_service.list_all(session, actor))
    writable = {s.path for s in items if can(actor, Action.WRITE, TargetKind.SCHEDULE, s.path)}
    return render_template("schedules/list.html", ws=actor.workspace, schedules=items, writable=writable)


def _values(schedule: Schedule | None) -> dict[str, str | bool]:
    """The form's fields, from the request when it was posted, else from the schedule."""
    if request.method == "POST":
        return {**request.form.to_dict(), "enabled": "enabled" in request.form}
    if schedule is None:
        kind = "flow" if request.args.get("flow") else "script"
        return {"path": f"u/{current_user.username}/", "cron": "0 * * * *", "timezone": "UTC",
                "target_kind": kind, "script_path": request.args.get("script", ""),
                "flow_path": request.args.get("flow", ""), "args": "{}", "enabled": True}
    return {"path": schedule.path, "summary": schedule.summary, "cron": schedule.cron,
            "timezone": schedule.timezone, "target_kind": schedule.target_kind.value,
            "script_path": schedule.script_path or "", "flow_path": schedule.flow_path or "",
            "args": json.dumps(schedule.args, indent=2), "enabled": schedule.enabled,
            "on_failure_path": schedule.on_failure_path or ""}


def _form(ws: str, schedule: Schedule | None, errors: dict[str, list[str]] | None = None, status: int = 200):
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    runnable = [s.path for s in script_service.list_latest(session, actor)]
    runnable_flows = [f.path for f in flow_service.list_latest(session, actor)]
    return render_template("schedules/form.html", ws=actor.workspace, schedule=schedule,
                           values=_values(schedule), errors=errors or {}, scripts=runnable,
                           flows=runnable_flows, timezones=timezone_names()), status


def _draft() -> ScheduleDraft:
    form = request.form
    try:
        args = json.loads(form.get("args") or "{}")
    except json.JSONDecodeError as exc:
        raise ValidationFailed("args are not JSON",
                               [{"field": "args", "message": f"not JSON: {exc}"}]) from None
    # The picker chooses which of the two path fields counts; the other one is ignored.
    kind = "flow" if form.get("target_kind") == "flow" else "script"
    return ScheduleDraft(cron=form.get("cron", ""), timezone=form.get("timezone", "").strip(),
                         script_path=form.get("script_path", "").strip() if kind == "script" else None,
                         flow_path=form.get("flow_path", "").strip() if kind == "flow" else None, args=args,
                         enabled="enabled" in form, summary=form.get("summary", "").strip(),
                         on_failure_path=form.get("on_failure_path", "").strip() or None)


def _field_errors(error: ValidationFailed | Conflict) -> dict[str, list[str]]:
    """Messages by form field; `args/<name>` problems are shown under args, naming the arg."""
    details = error.details if isinstance(error, ValidationFailed) else [
        {"field": "path", "message": error.message}]
    found: dict[str, list[str]] = {}
    for detail in details:
        field, _, sub = detail["field"].partition("/")
        found.setdefault(field, []).append(f"{sub}: {detail['message']}" if sub else detail["message"])
    return found


def _save(ws: str, schedule: Schedule | None):
    actor = actor_or_404(ws)
    path = schedule.path if schedule else request.form.get("path", "").strip()
    try:
        with runtime().db.session() as session:
            if schedule is None:
                schedule_service.create(session, _mirror(), actor, path, _draft())
            else:
                schedule_service.update(session, _mirror(), actor, path, _draft())
    except (ValidationFailed, Conflict) as error:
        return _form(ws, schedule, _field_errors(error), 400)
    flash(f"Saved schedule {path}.", "info")
    return redirect(url_for("webui.schedule", ws=ws, path=path))


@bp.route("/w/<ws>/schedules/new", methods=["GET", "POST"])
def new_schedule(ws: str):
    """The form for a new schedule (`?script=<path>` or `?flow=<path>` preselects the target)."""
    return _save(ws, None) if request.method == "POST" else _form(ws, None)


@bp.route("/w/<ws>/schedules/edit/<path:path>", methods=["GET", "POST"])
def edit_schedule(ws: str, path: str):
    """The form on an existing schedule; saving makes the user its owner."""
    schedule = schedule_service.get(runtime().db.scoped, actor_or_404(ws), path, Action.WRITE)
    return _save(ws, schedule) if request.method == "POST" else _form(ws, schedule)


@bp.get("/w/<ws>/schedules/get/<path:path>")
def schedule(ws: str, path: str):
    """One schedule: its settings, next fires, missed slots and the history of its runs."""
    actor = actor_or_404(ws)
    session = runtime().db.scoped
    item = schedule_service.present(session, [schedule_service.get(session, actor, path)])[0]
    return render_template("schedules/show.html", ws=actor.workspace, schedule=item,
                           runs=schedule_service.runs(session, actor, path, RUNS_SHOWN),
                           can_write=can(actor, Action.WRITE, TargetKind.SCHEDULE, path))


@bp.post("/w/<ws>/schedules/toggle/<path:path>")
def toggle_schedule(ws: str, path: str):
    """Enable a disabled schedule, or disable an enabled one."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        current = schedule_service.get(session, actor, path, Action.WRITE)
        done = schedule_service.set_enabled(session, _mirror(), actor, path, not current.enabled)
    flash(f"{'Enabled' if done.enabled else 'Disabled'} {path}.", "info")
    if request.form.get("back") == "list":
        return redirect(url_for("webui.schedules", ws=ws))
    return redirect(url_for("webui.schedule", ws=ws, path=path))


@bp.post("/w/<ws>/schedules/run_now/<path:path>")
def run_schedule_now(ws: str, path: str):
    """Run the schedule's script or flow with its args now, as the user; then show the run."""
    rt = runtime()
    job = schedule_firing.run_now(rt.db, rt.queue, actor_or_404(ws), path)
    if job.kind == JobKind.FLOW:
        return redirect(url_for("webui.flow_run", ws=ws, job_id=job.id))
    return redirect(url_for("webui.job", ws=ws, job_id=job.id))


@bp.post("/w/<ws>/schedules/delete/<path:path>")
def delete_schedule(ws: str, path: str):
    """Delete the schedule (its jobs are kept)."""
    actor = actor_or_404(ws)
    with runtime().db.session() as session:
        schedule_service.delete(session, _mirror(), actor, path)
    flash(f"Deleted schedule {path}.", "info")
    return redirect(url_for("webui.schedules", ws=ws))
