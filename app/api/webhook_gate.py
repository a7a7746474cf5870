"""What the run endpoints of scripts and flows do differently for webhook calls (a run-scoped
token).

- Signature: when the token's target has a signing secret, the request must carry a valid
  `X-Taskmill-Signature` over its raw body (app.services.signatures); checked in a
  before_request hook, before the body is parsed.
- Body: a JSON body that is not an object reaches the script as `{"body": <value>}`. Only
  for webhook calls: the rest of the API keeps requiring an object.
- Headers and query: when the webhook is configured to pass them and the script (or the
  flow's input schema) declares a `headers` / `query` parameter, the chosen headers and the
  query string become those args.
"""
from __future__ import annotations

import time
from typing import Any

from flask import g, request

from app.auth import principal
from app.crypto import secret_box
from app.extensions import runtime
from app.models import Flow, Script, TokenScope, Webhook
from app.services import signatures, webhooks

RUN_ENDPOINTS = frozenset({"jobs.run_by_path", "jobs.run_by_hash", "jobs.run_wait_result",
                           "jobs.run_flow_by_path", "jobs.run_flow_wait_result"})
REPLAY_KEY_PREFIX = "taskmill:webhook:signature:"


def _webhook_call() -> bool:
    caller = g.get("principal")
    token = caller.token if caller is not None else None
    return token is not None and token.scope == TokenScope.RUN and request.endpoint in RUN_ENDPOINTS


def _seen_before(signature: str, ttl_s: int) -> bool:
    client = runtime().events.client
    return not client.set(REPLAY_KEY_PREFIX + signature, "1", nx=True, ex=ttl_s)


def check_webhook_request() -> None:
    """before_request hook of the jobs blueprint (after authentication)."""
    if not _webhook_call():
        return
    token = principal().token
    if request.view_args.get("ws") != token.workspace_id:
        return  # authorization answers 404 for another workspace
    webhook = webhooks.find(runtime().db.scoped, token.workspace_id, token.run_target)
    g.webhook = webhook
    if webhook is not None and webhook.signed:
        settings = runtime().settings
        signatures.verify(webhooks.secret_of(webhook, secret_box(settings)),
                          request.headers.get(signatures.HEADER), request.get_data(cache=True),
                          int(time.time()), settings.webhook_replay_window_s, _seen_before)


def wrap_body(data: Any) -> Any:
    """A webhook call's non-object JSON body, as the `body` argument."""
    if isinstance(data, dict) or not _webhook_call():
        return data
    return {"body": data}


def _declares(script: Script | Flow, name: str) -> bool:
    return name in (script.schema or {}).get("properties", {})


def with_request_args(script: Script | Flow, args: dict[str, Any]) -> dict[str, Any]:
    """Add `headers` and `query` to a webhook call's args, as its settings and the script (or
    the flow) ask."""
    webhook: Webhook | None = g.get("webhook")
    if webhook is None or not _webhook_call():
        return args
    extra: dict[str, Any] = {}
    if webhook.pass_headers and _declares(script, "headers"):
        extra["headers"] = {name: request.headers[name] for name in webhook.pass_headers
                            if name in request.headers}
    if webhook.pass_query and _declares(script, "query"):
        extra["query"] = request.args.to_dict(flat=True)
    return {**args, **extra}
