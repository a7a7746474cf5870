"""/api/w/<ws>/shares/<kind>/p/<path>: who else may use one item, beyond owner and folder."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import GrantSchema, GrantSetSchema, PrincipalSchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.models import Level
from app.services import shares

blp = Blueprint("shares", __name__, url_prefix="/api/w/<ws>/shares",
                description="Sharing single items with users and groups")
blp.before_request(authenticate_api_request)


@blp.get("/<kind>/p/<path:path>")
@blp.response(200, GrantSchema(many=True))
def list_shares(ws: str, kind: str, path: str):
    """Who the item is shared with (anyone who may read it). `kind` is `script`."""
    return shares.list_shares(runtime().db.scoped, actor(ws), shares.item_kind(kind), path)


@blp.put("/<kind>/p/<path:path>")
@blp.arguments(GrantSetSchema)
@blp.response(200, GrantSchema(many=True))
def share_item(data: dict, ws: str, kind: str, path: str):
    """Share the item with a user or group at a level, replacing any they held.

    Needs the right to share it (owner, folder or item admin, workspace admin). Returns
    every share of the item.
    """
    with runtime().db.session() as session:
        return shares.share(session, actor(ws), shares.item_kind(kind), path, data["principal"],
                            Level(data["level"]))


@blp.delete("/<kind>/p/<path:path>")
@blp.arguments(PrincipalSchema, location="query")
@blp.response(204)
def unshare_item(query: dict, ws: str, kind: str, path: str):
    """Stop sharing the item with `?user=<username>` or `?group=<name>`."""
    with runtime().db.session() as session:
        shares.unshare(session, actor(ws), shares.item_kind(kind), path, query)
