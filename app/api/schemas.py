"""Every request and response shape of the REST API; the OpenAPI document is built from these."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from app.models import JobStatus

STATUSES = [s.value for s in JobStatus]


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Raw(allow_none=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class ScriptFieldsSchema(Schema):
    language = fields.String(required=True, metadata={"example": "python"})
    content = fields.String(required=True)
    summary = fields.String(load_default="", validate=validate.Length(max=500))
    description = fields.String(load_default="")
    tag = fields.String(load_default="default",
                        validate=validate.Regexp(r"^[a-z0-9_-]{1,64}$", error="tag must match [a-z0-9_-]{1,64}"))
    timeout_s = fields.Float(load_default=None, allow_none=True,
                             validate=validate.Range(min=0.1, max=86400))


class ScriptCreateSchema(ScriptFieldsSchema):
    path = fields.String(required=True, metadata={"example": "u/admin/hello"})


class ScriptUpdateSchema(ScriptFieldsSchema):
    parent_hash = fields.String(load_default=None, allow_none=True,
                                metadata={"description": "refuse the save if the latest version differs"})


class ScriptSchema(Schema):
    workspace_id = fields.String()
    path = fields.String()
    hash = fields.String()
    parent_hash = fields.String(allow_none=True)
    language = fields.String()
    content = fields.Function(lambda script: script.content if getattr(script, "code_visible", False) else None,
                              metadata={"description": "null when the caller may run but not read the code"})
    summary = fields.String()
    description = fields.String()
    schema = fields.Dict(metadata={"description": "JSON Schema of the script's arguments"})
    tag = fields.String()
    timeout_s = fields.Float(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    archived = fields.Boolean()


class ScriptListQuerySchema(Schema):
    path_prefix = fields.String(load_default="")
    include_archived = fields.Boolean(load_default=False)


class RunArgsSchema(Schema):
    """The script's arguments as a JSON object, validated against the script's own schema."""

    class Meta:
        unknown = INCLUDE


class JobCreatedSchema(Schema):
    id = fields.String(required=True)


class JobSchema(Schema):
    id = fields.String()
    workspace_id = fields.String()
    script_path = fields.String()
    script_hash = fields.String()
    language = fields.String()
    queue = fields.String()
    args = fields.Dict()
    status = fields.Function(lambda job: job.status.value, metadata={"enum": STATUSES})
    created_by = fields.String()
    trigger_kind = fields.String()
    trigger_label = fields.String()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    worker = fields.String(allow_none=True)
    runner = fields.String(allow_none=True)
    attempt = fields.Integer()
    cancel_requested = fields.Boolean()
    result = fields.Raw(allow_none=True)
    error = fields.Dict(allow_none=True)
    logs_truncated = fields.Boolean()


class JobListQuerySchema(Schema):
    path = fields.String(load_default="", metadata={"description": "path prefix"})
    status = fields.String(load_default="", validate=validate.OneOf(["", *STATUSES]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class JobPageSchema(Schema):
    items = fields.List(fields.Nested(JobSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class LogQuerySchema(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class LogChunkSchema(Schema):
    logs = fields.String()
    offset = fields.Integer()
    next_offset = fields.Integer(metadata={"description": "pass as offset on the next poll"})
    truncated = fields.Boolean()
    status = fields.String(metadata={"enum": STATUSES})


class TokenCreateSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    workspace_id = fields.String(load_default=None, allow_none=True,
                                 metadata={"description": "limit the token to one workspace"})
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)
    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "read_only", "run"]),
                          metadata={"description": "all, read_only, or run (one target only)"})
    run_target = fields.String(load_default=None, allow_none=True,
                               metadata={"description": "with scope run: e.g. script/u/alice/hello"})


class TokenSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    prefix = fields.String()
    workspace_id = fields.String(allow_none=True)
    scope = fields.Function(lambda token: token.scope.value)
    run_target = fields.String(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "the secret; shown only in this response"})


class WorkspaceSchema(Schema):
    id = fields.String()
    name = fields.String()


class WhoAmISchema(Schema):
    username = fields.String()
    email = fields.String()
    is_superadmin = fields.Boolean()
    workspaces = fields.List(fields.Nested(WorkspaceSchema))
