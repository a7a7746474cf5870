"""/api/w/<ws>/state/<key>: the JSON value that runs of a script keep between them."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.schemas import StateSchema, StateSetSchema
from app.auth import actor, authenticate_api_request
from app.extensions import runtime
from app.services import state

blp = Blueprint("state", __name__, url_prefix="/api/w/<ws>/state",
                description="State kept between runs (key `script/<path>`)")
blp.before_request(authenticate_api_request)


@blp.get("/<path:key>")
@blp.response(200, StateSchema)
def get_state(ws: str, key: str):
    """The value at `key` (404 if never set); needs the right to run the script."""
    return state.get(runtime().db.scoped, actor(ws), key)


@blp.put("/<path:key>")
@blp.arguments(StateSetSchema)
@blp.response(200, StateSchema)
def put_state(data: dict, ws: str, key: str):
    """Set the value at `key`; inside a job, `TASKMILL_STATE_KEY` names its script's key."""
    with runtime().db.session() as session:
        return state.put(session, actor(ws), key, data["value"])


@blp.delete("/<path:key>")
@blp.response(204)
def delete_state(ws: str, key: str):
    """Forget the value at `key`."""
    with runtime().db.session() as session:
        state.delete(session, actor(ws), key)
