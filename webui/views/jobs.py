"""Job pages: the filterable list and one job with its live logs."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.extensions import runtime
from app.models import JobKind, JobStatus
from app.services import jobs as job_service
from webui.blueprint import bp, actor_or_404

PER_PAGE = 25
"""Jobs per list page: a screenful on a laptop."""
STATUSES = [status.value for status in JobStatus]


def _filters() -> dict[str, str | int]:
    """The list's GET parameters, with unknown statuses and bad page numbers ignored."""
    status = request.args.get("status", "")
    return {"path": request.args.get("path", "").strip(),
            "status": status if status in STATUSES else "",
            "page": max(1, request.args.get("page", 1, type=int) or 1)}


@bp.get("/w/<ws>/jobs")
def jobs(ws: str):
    """Jobs, newest first, filtered by path prefix and status."""
    actor = actor_or_404(ws)
    workspace = actor.workspace
    filters = _filters()
    items, total = job_service.list_jobs(runtime().db.scoped, actor, per_page=PER_PAGE,
                                         **filters)
    pages = max(1, -(-total // PER_PAGE))
    active = any(not job.status.finished for job in items)
    return render_template("jobs/list.html", ws=workspace, jobs=items, total=total,
                           filters=filters, pages=pages, statuses=STATUSES, active=active)


@bp.get("/w/<ws>/jobs/get/<job_id>")
def job(ws: str, job_id: str):
    """One job: status, timings, args, result or error, and logs that stream in live.
    A flow run's page is its graph; a step's page links to it."""
    actor = actor_or_404(ws)
    item = job_service.get(runtime().db.scoped, actor, job_id)
    if item.kind == JobKind.FLOW and item.parent_job_id is None:
        return redirect(url_for("webui.flow_run", ws=ws, job_id=job_id))
    return render_template("jobs/show.html", ws=actor.workspace, job=item)
