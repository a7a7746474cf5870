"""Server-Sent Events for one job: logs as they arrive, status changes, then `done`.

A flow run's stream (its flow job's) carries the run's steps instead of logs: `job` (the
flow job), `steps` (every step row first, then only the rows that changed), `approvals`
(when they change), then `done`. Each step's own stream has its logs.
"""
from __future__ import annotations

import json
import time
from typing import Any, Iterator

from sqlalchemy import select

from app.api.schemas import ApprovalSchema, FlowStepSchema, JobSchema
from app.authz import Actor
from app.events import JobListener
from app.models import Job, JobKind, JobStatus
from app.runtime import Runtime
from app.services import flow_runs, jobs

KEEPALIVE_S = 15.0
FLOW_BURST_S = 0.1
"""A flow's changes come in bursts (a step ends, the next one starts): one re-read per burst."""
LIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def job_event_stream(rt: Runtime, actor: Actor, job_id: str, offset: int) -> Iterator[str]:
    """Yield SSE frames until the job finishes; a Redis notification wakes each re-read."""
    with rt.db.session() as session:
        first = jobs.get(session, actor, job_id)
    if first.kind == JobKind.FLOW and first.parent_job_id is None:
        yield from flow_event_stream(rt, actor, job_id)
        return
    last_state = None
    with rt.events.listen(job_id) as listener:
        while True:
            with rt.db.session() as session:
                job = jobs.get(session, actor, job_id)
            chunk = jobs.read_logs(job, offset)
            if chunk["logs"]:
                offset = chunk["next_offset"]
                yield _event("logs", chunk)
            state = JobSchema().dump(job)
            if state != last_state:
                last_state = state
                yield _event("job", state)
            if job.status.finished:
                yield _event("done", {"status": job.status.value})
                return
            if not listener.wait(KEEPALIVE_S):
                yield ": keepalive\n\n"


def flow_event_stream(rt: Runtime, actor: Actor, job_id: str) -> Iterator[str]:
    """Yield a flow run's SSE frames until it ends. Steps publish their changes on the flow
    job's channel, except code steps starting, logging and ending: the stream follows the
    channels of the code steps that are live, too."""
    sent: dict[str, dict[str, Any]] = {}
    last: dict[str, Any] = {}
    with rt.events.listen(job_id) as listener:
        followed: set[str] = set()
        while True:
            with rt.db.session() as session:
                job = jobs.get(session, actor, job_id)
                rows = _step_rows(session, job_id)
                approvals = ApprovalSchema(many=True).dump(
                    flow_runs.pending_approvals(session, actor, job_id, rt.settings))
            changed = [row for row in rows if sent.get(row["id"]) != row]
            if changed:
                sent.update((row["id"], row) for row in changed)
                yield _event("steps", changed)
            for name, data in (("approvals", approvals), ("job", JobSchema().dump(job))):
                data = json.loads(json.dumps(data))
                if last.get(name) != data:
                    last[name] = data
                    yield _event(name, data)
            if job.status.finished:
                yield _event("done", {"status": job.status.value})
                return
            live = {row["id"] for row in rows if row["kind"] == JobKind.STEP.value and row["status"] in
                    {s.value for s in LIVE}}
            if _follow(listener, followed, live):
                continue  # read again at once: a step may have moved before we listened
            if _wait_for_burst(listener):
                continue
            yield ": keepalive\n\n"


def _step_rows(session, job_id: str) -> list[dict[str, Any]]:  # noqa: ANN001
    found = session.execute(select(*flow_runs.STEP_COLUMNS).where(Job.flow_job_id == job_id)
                            .order_by(Job.created_at, Job.id))
    return json.loads(json.dumps(FlowStepSchema(many=True).dump([row._asdict() for row in found]),
                                 default=str))


def _follow(listener: JobListener, followed: set[str], live: set[str]) -> bool:
    """Listen on the channels of `live` steps (and stop on the others); True if any is new."""
    new, gone = live - followed, followed - live
    listener.follow(*new)
    listener.unfollow(*gone)
    followed.clear()
    followed.update(live)
    return bool(new)


def _wait_for_burst(listener: JobListener) -> bool:
    """Wait for a change; then let the rest of its burst arrive and drop those notifications."""
    if not listener.wait(KEEPALIVE_S):
        return False
    time.sleep(FLOW_BURST_S)
    listener.drain()
    return True
