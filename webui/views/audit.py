"""The audit log page: who did what, when and from where (workspace admins)."""
from __future__ import annotations

from flask import render_template, request

from app.extensions import runtime
from app.services import audit
from webui.blueprint import actor_or_404, bp

PER_PAGE = 50


@bp.get("/w/<ws>/audit")
def audit_log(ws: str):
    """Events, newest first, filtered by user, action prefix and target prefix."""
    actor = actor_or_404(ws)
    filters = {name: request.args.get(name, "").strip() for name in ("who", "action", "target")}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events, total = audit.search(runtime().db.scoped, actor, page=page, per_page=PER_PAGE, **filters)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("audit.html", ws=actor.workspace, events=events, total=total,
                           filters=filters, page=page, pages=pages)
