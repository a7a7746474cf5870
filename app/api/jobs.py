"""/api/w/<ws>/jobs: run scripts (async and sync), read jobs and logs, cancel."""
from __future__ import annotations

from flask import Response, jsonify, request, stream_with_context
from flask_smorest import Blueprint

from app.api.schemas import (ErrorSchema, JobCreatedSchema, JobListQuerySchema, JobPageSchema,
                             JobSchema, JobsCreatedSchema, LogChunkSchema, LogQuerySchema, RunArgsSchema,
                             RunManySchema)
from app.api.stream import job_event_stream
from app.api.webhook_gate import check_webhook_request, with_request_args
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.authz import Action
from app.models import JobKind, JobStatus, Script, TokenScope
from app.services import flow_runs, flows, jobs, scripts
from app.services.jobs import Trigger

blp = Blueprint("jobs", __name__, url_prefix="/api/w/<ws>/jobs",
                description="Runs of scripts: start, follow, cancel")
blp.before_request(authenticate_api_request)
blp.before_request(check_webhook_request)


def _trigger(ws: str) -> Trigger:
    caller = actor(ws)
    if caller.token is None:
        return Trigger(kind="ui", actor=caller)
    kind = "webhook" if caller.token.scope == TokenScope.RUN else "api"
    return Trigger(kind=kind, actor=caller, label=caller.token.label)


def _submit(ws: str, script: Script, args: dict):
    rt = runtime()
    return jobs.submit(rt.db, rt.queue, script, with_request_args(script, args), _trigger(ws))


@blp.post("/run/p/<path:path>")
@blp.arguments(RunArgsSchema)
@blp.response(201, JobCreatedSchema)
def run_by_path(args: dict, ws: str, path: str):
    """Start the latest version of a script; answers at once with the job id."""
    return _submit(ws, scripts.latest(runtime().db.scoped, actor(ws), path, Action.RUN), args)


@blp.post("/run_many/p/<path:path>")
@blp.arguments(RunManySchema)
@blp.response(201, JobsCreatedSchema)
def run_many_by_path(body: dict, ws: str, path: str):
    """Start the latest version of a script once per argument object in `runs` (up to 1,000),
    all or none: if any is invalid, none starts and the error names `runs/<index>/<field>`."""
    rt = runtime()
    script = scripts.latest(rt.db.scoped, actor(ws), path, Action.RUN)
    return {"ids": [job.id for job in jobs.submit_many(rt.db, rt.queue, script, body["runs"], _trigger(ws))]}


@blp.post("/run/h/<script_hash>")
@blp.arguments(RunArgsSchema)
@blp.response(201, JobCreatedSchema)
def run_by_hash(args: dict, ws: str, script_hash: str):
    """Start one exact version of a script."""
    return _submit(ws, scripts.by_hash(runtime().db.scoped, actor(ws), script_hash, Action.RUN), args)


@blp.post("/run_wait_result/p/<path:path>")
@blp.arguments(RunArgsSchema)
@blp.alt_response(200, description="the job's result, as the JSON value main() returned")
@blp.alt_response(202, schema=JobCreatedSchema, description="still running after the wait limit")
@blp.alt_response(422, schema=ErrorSchema, description="the job failed or was canceled")
def run_wait_result(args: dict, ws: str, path: str):
    """Run and wait for the result, up to the configured wait limit."""
    rt = runtime()
    script = scripts.latest(rt.db.scoped, actor(ws), path, Action.RUN)
    job = jobs.run_and_wait(rt.db, rt.queue, rt.events, script, with_request_args(script, args),
                            _trigger(ws), rt.settings.run_wait_timeout_s)
    return _sync_response(job)


def _submit_flow(ws: str, path: str, args: dict):
    rt = runtime()
    flow = flows.latest(rt.db.scoped, actor(ws), path, Action.RUN)
    return flow_runs.submit(rt.db, rt.queue, flow, with_request_args(flow, args), _trigger(ws))


@blp.post("/run/f/<path:path>")
@blp.arguments(RunArgsSchema)
@blp.response(201, JobCreatedSchema)
def run_flow_by_path(args: dict, ws: str, path: str):
    """Start the latest version of a flow; answers at once with the flow job's id."""
    return _submit_flow(ws, path, args)


@blp.post("/run_wait_result/f/<path:path>")
@blp.arguments(RunArgsSchema)
@blp.alt_response(200, description="the flow's result (its last step's result)")
@blp.alt_response(202, schema=JobCreatedSchema, description="still running after the wait limit")
@blp.alt_response(422, schema=ErrorSchema, description="the flow failed or was canceled")
def run_flow_wait_result(args: dict, ws: str, path: str):
    """Run a flow and wait for its result, up to the configured wait limit."""
    job = _submit_flow(ws, path, args)
    rt = runtime()
    return _sync_response(jobs.wait(rt.db, rt.events, actor(ws), job.id, rt.settings.run_wait_timeout_s))


def _sync_response(job) -> Response:
    if job.status == JobStatus.SUCCESS:
        response = jsonify(job.result)
    elif job.status.finished:
        error = job.error or {}
        response = jsonify({"error": {"code": "job_failed" if job.status == JobStatus.FAILURE
                                      else "job_canceled", "message": error.get("message", ""),
                                      "details": {"job_id": job.id, **error}}})
        response.status_code = 422
    else:
        response = jsonify({"id": job.id})
        response.status_code = 202
    response.headers["X-Taskmill-Job-Id"] = job.id
    return response


@blp.get("")
@blp.arguments(JobListQuerySchema, location="query")
@blp.response(200, JobPageSchema)
def list_jobs(query: dict, ws: str):
    """Jobs, newest first, filtered by path prefix and status."""
    items, total = jobs.list_jobs(runtime().db.scoped, actor(ws), **query)
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


@blp.get("/<job_id>")
@blp.response(200, JobSchema)
def get_job(ws: str, job_id: str):
    """A job's status, timings, args, result and error."""
    return jobs.get(runtime().db.scoped, actor(ws), job_id)


@blp.get("/<job_id>/logs")
@blp.arguments(LogQuerySchema, location="query")
@blp.response(200, LogChunkSchema)
def get_logs(query: dict, ws: str, job_id: str):
    """Logs from `offset` on; poll with the returned `next_offset`."""
    return jobs.read_logs(jobs.get(runtime().db.scoped, actor(ws), job_id), query["offset"])


@blp.get("/<job_id>/stream")
@blp.doc(responses={"200": {"description": "Server-Sent Events: `logs`, `job`, then `done`"}})
def stream_job(ws: str, job_id: str):
    """Live logs and status as Server-Sent Events."""
    caller = actor(ws)
    jobs.get(runtime().db.scoped, caller, job_id)
    offset = request.args.get("offset", 0, type=int)
    events = job_event_stream(runtime(), caller, job_id, offset)
    return Response(stream_with_context(events), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@blp.post("/<job_id>/cancel")
@blp.response(200, JobSchema)
def cancel_job(ws: str, job_id: str):
    """Cancel a queued job, or kill a running one's container (a flow: all its running steps)."""
    rt = runtime()
    if jobs.get(rt.db.scoped, actor(ws), job_id).kind == JobKind.FLOW:
        return flow_runs.cancel(rt.db, rt.events, actor(ws), job_id)
    return jobs.cancel(rt.db, rt.events, actor(ws), job_id)
