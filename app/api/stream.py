"""Server-Sent Events for one job: logs as they arrive, status changes, then `done`."""
from __future__ import annotations

import json
from typing import Iterator

from app.api.schemas import JobSchema
from app.authz import Actor
from app.runtime import Runtime
from app.services import jobs

KEEPALIVE_S = 15.0


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def job_event_stream(rt: Runtime, actor: Actor, job_id: str, offset: int) -> Iterator[str]:
    """Yield SSE frames until the job finishes; a Redis notification wakes each re-read."""
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
