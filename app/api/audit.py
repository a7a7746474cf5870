"""/api/w/<ws>/audit: the workspace's audit log, for its admins."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import AuditPageSchema, AuditQuerySchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/w/<ws>/audit",
                description="Who did what, when and from where")
blp.before_request(authenticate_api_request)


@blp.get("")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def list_events(query: dict, ws: str):
    """Events, newest first, filtered by actor, action prefix, target prefix and time."""
    who = query.pop("actor")
    items, total = audit.search(runtime().db.scoped, actor(ws), who=who, **query)
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}
