"""/api/w/<ws>/schedules: cron triggers of scripts and flows, mirrored into RedBeat."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import (JobCreatedSchema, JobSchema, ScheduleCreateSchema, ScheduleFieldsSchema,
                             ScheduleRunsQuerySchema, ScheduleSchema)
from app.auth import actor, authenticate_api_request
from app.beat import BeatMirror
from app.extensions import runtime
from app.services import schedule_firing, schedules
from app.services.schedule_checks import ScheduleDraft

blp = Blueprint("schedules", __name__, url_prefix="/api/w/<ws>/schedules",
                description="Schedules: run a script or a flow on a cron in a timezone")
blp.before_request(authenticate_api_request)


def mirror() -> BeatMirror:
    return BeatMirror(runtime().queue.celery)


def _draft(data: dict) -> ScheduleDraft:
    return ScheduleDraft(**{k: v for k, v in data.items() if k != "path"})


def _shown(session, schedule):  # noqa: ANN001, ANN202
    return schedules.present(session, [schedule])[0]


@blp.get("")
@blp.response(200, ScheduleSchema(many=True))
def list_schedules(ws: str):
    """Every schedule the caller may read, with its next 5 fire times."""
    session = runtime().db.scoped
    return schedules.present(session, schedules.list_all(session, actor(ws)))


@blp.post("")
@blp.arguments(ScheduleCreateSchema)
@blp.response(201, ScheduleSchema)
def create_schedule(data: dict, ws: str):
    """Create a schedule of a script (`script_path`) or a flow (`flow_path`); the caller owns
    it and its runs have the caller's rights."""
    with runtime().db.session() as session:
        return _shown(session, schedules.create(session, mirror(), actor(ws), data["path"], _draft(data)))


@blp.get("/p/<path:path>")
@blp.response(200, ScheduleSchema)
def get_schedule(ws: str, path: str):
    """One schedule, with its next fire times and any missed slots."""
    session = runtime().db.scoped
    return _shown(session, schedules.get(session, actor(ws), path))


@blp.post("/p/<path:path>")
@blp.arguments(ScheduleFieldsSchema)
@blp.response(200, ScheduleSchema)
def update_schedule(data: dict, ws: str, path: str):
    """Replace its fields; the caller becomes its owner."""
    with runtime().db.session() as session:
        return _shown(session, schedules.update(session, mirror(), actor(ws), path, _draft(data)))


@blp.delete("/p/<path:path>")
@blp.response(204)
def delete_schedule(ws: str, path: str):
    """Delete it (its past jobs stay)."""
    with runtime().db.session() as session:
        schedules.delete(session, mirror(), actor(ws), path)


@blp.post("/p/<path:path>/enable")
@blp.response(200, ScheduleSchema)
def enable_schedule(ws: str, path: str):
    """Fire again from the next slot on."""
    with runtime().db.session() as session:
        return _shown(session, schedules.set_enabled(session, mirror(), actor(ws), path, True))


@blp.post("/p/<path:path>/disable")
@blp.response(200, ScheduleSchema)
def disable_schedule(ws: str, path: str):
    """Stop firing (its RedBeat entry is removed)."""
    with runtime().db.session() as session:
        return _shown(session, schedules.set_enabled(session, mirror(), actor(ws), path, False))


@blp.post("/p/<path:path>/run_now")
@blp.response(201, JobCreatedSchema)
def run_schedule_now(ws: str, path: str):
    """Run its script or flow with its args now, as the caller."""
    rt = runtime()
    return schedule_firing.run_now(rt.db, rt.queue, actor(ws), path)


@blp.get("/p/<path:path>/runs")
@blp.arguments(ScheduleRunsQuerySchema, location="query")
@blp.response(200, JobSchema(many=True))
def schedule_runs(query: dict, ws: str, path: str):
    """Its latest jobs and flow runs (and on_failure jobs), newest first."""
    return schedules.runs(runtime().db.scoped, actor(ws), path, query["limit"])
