"""Every request and response shape of the REST API; the OpenAPI document is built from these."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, pre_load, validate

from app.api.webhook_gate import wrap_body
from app.models import JobStatus, Level, Role
from app.services.accounts import WORKSPACE_ID_RE
from app.services.invitations import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS

STATUSES = [s.value for s in JobStatus]
ROLES = [r.value for r in Role]
LEVELS = [level.value for level in Level]


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
    isolation = fields.String(load_default="", validate=validate.OneOf(["", "container", "warm"]),
                              metadata={"description": "container (default), warm, or empty for "
                                        "the worker group's default"})


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
    isolation = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    archived = fields.Boolean()
    dependency_lock = fields.Function(
        lambda script: script.dependency_lock if getattr(script, "code_visible", False) else None,
        metadata={"description": "the pinned third-party dependencies this version runs with, "
                                 "once its first run resolved them (null before, or without code access)"})


class ScriptListQuerySchema(Schema):
    path_prefix = fields.String(load_default="")
    include_archived = fields.Boolean(load_default=False)


class RunArgsSchema(Schema):
    """The script's arguments as a JSON object, validated against the script's own schema.
    A webhook call (run-scoped token) may send any JSON: a non-object arrives as `body`."""

    class Meta:
        unknown = INCLUDE

    @pre_load
    def _webhook_body(self, data, **_kwargs):  # noqa: ANN001, ANN202
        return wrap_body(data)


class JobCreatedSchema(Schema):
    id = fields.String(required=True)


MAX_RUNS_PER_CALL = 1000


class RunManySchema(Schema):
    runs = fields.List(fields.Dict(), required=True,
                       validate=validate.Length(min=1, max=MAX_RUNS_PER_CALL),
                       metadata={"description": "one argument object per job, in order"})


class JobsCreatedSchema(Schema):
    ids = fields.List(fields.String(), required=True, metadata={"description": "in the order of `runs`"})


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
    isolation = fields.String(allow_none=True, metadata={"description": "container, warm or process"})
    attempt = fields.Integer()
    cancel_requested = fields.Boolean()
    result = fields.Raw(allow_none=True)
    error = fields.Dict(allow_none=True)
    logs_truncated = fields.Boolean()
    kind = fields.Function(lambda job: job.kind.value if job.kind else "script",
                           metadata={"enum": ["script", "flow", "step", "iteration", "branch"]})
    flow_job_id = fields.String(allow_none=True, metadata={"description": "the flow run a step belongs to"})
    parent_job_id = fields.String(allow_none=True)
    step_id = fields.String(allow_none=True, metadata={"description": "the flow module a step runs"})
    flow_state = fields.Dict(allow_none=True)


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


class WorkspaceCreateSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(
        WORKSPACE_ID_RE, error="2 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit"),
        metadata={"example": "data-team"})
    name = fields.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "display name; defaults to the id"})


class MemberSchema(Schema):
    username = fields.String()
    email = fields.String()
    role = fields.Function(lambda member: member.role.value, metadata={"enum": ROLES})


class RoleUpdateSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class InvitationCreateSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    expires_in_days = fields.Integer(load_default=DEFAULT_EXPIRY_DAYS,
                                     validate=validate.Range(min=1, max=MAX_EXPIRY_DAYS))


class InvitationSchema(Schema):
    id = fields.Integer()
    role = fields.Function(lambda invitation: invitation.role.value, metadata={"enum": ROLES})
    created_by = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class InvitationCreatedSchema(InvitationSchema):
    url = fields.String(metadata={"description": "the link to pass on; shown only in this response"})
    token = fields.String(metadata={"description": "the link's secret; shown only in this response"})


class InvitationAcceptedSchema(Schema):
    workspace = fields.Nested(WorkspaceSchema)
    role = fields.String(metadata={"enum": ROLES})


class GroupCreateSchema(Schema):
    name = fields.String(required=True, metadata={"example": "ops"})
    summary = fields.String(load_default="", validate=validate.Length(max=500))


class GroupUpdateSchema(Schema):
    name = fields.String(load_default=None, metadata={"description": "a new name"})
    summary = fields.String(load_default=None, validate=validate.Length(max=500))


class GroupSchema(Schema):
    name = fields.String()
    summary = fields.String()
    members = fields.List(fields.String(), metadata={"description": "usernames"})
    created_at = fields.DateTime()


class GroupMemberAddSchema(Schema):
    username = fields.String(required=True)


class PrincipalSchema(Schema):
    """A user or a group of the workspace: exactly one of the two fields."""

    user = fields.String(metadata={"description": "a member's username"})
    group = fields.String(metadata={"description": "a group's name"})


class GrantSchema(Schema):
    principal = fields.Nested(PrincipalSchema)
    level = fields.Function(lambda grant: grant.level.value, metadata={"enum": LEVELS})
    created_at = fields.DateTime()


class GrantSetSchema(Schema):
    principal = fields.Nested(PrincipalSchema, required=True,
                              metadata={"example": {"group": "ops"}})
    level = fields.String(required=True, validate=validate.OneOf(LEVELS),
                          metadata={"description": "read (see and run), write (also change), "
                                    "admin (also manage access)"})


class FolderCreateSchema(Schema):
    name = fields.String(required=True, metadata={"example": "ops"})
    summary = fields.String(load_default="", validate=validate.Length(max=500))


class FolderSchema(Schema):
    name = fields.String()
    summary = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()


class FolderDetailSchema(FolderSchema):
    acl = fields.List(fields.Nested(GrantSchema), metadata={"description": "the folder's grants"})


class AuditQuerySchema(Schema):
    actor = fields.String(load_default="", metadata={"description": "username"})
    action = fields.String(load_default="", metadata={"description": "action prefix, e.g. job. or script.save"})
    target = fields.String(load_default="", metadata={"description": "target prefix, e.g. a path"})
    since = fields.AwareDateTime(load_default=None, allow_none=True)
    until = fields.AwareDateTime(load_default=None, allow_none=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AuditEventSchema(Schema):
    id = fields.Integer()
    workspace_id = fields.String(allow_none=True)
    actor = fields.String()
    action = fields.String()
    target = fields.String()
    details = fields.Dict()
    origin = fields.String()
    created_at = fields.DateTime()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


VARIABLE_VALUE_MAX = 64 * 1024
"""Longest variable value: variables hold tokens and passwords, not documents."""


class VariableCreateSchema(Schema):
    path = fields.String(required=True, metadata={"example": "u/alice/api_key"})
    value = fields.String(required=True, validate=validate.Length(max=VARIABLE_VALUE_MAX))
    is_secret = fields.Boolean(load_default=False,
                               metadata={"description": "encrypted at rest, never listed, redacted from job logs"})
    description = fields.String(load_default="")


class VariableUpdateSchema(Schema):
    """Only the fields given change."""

    value = fields.String(validate=validate.Length(max=VARIABLE_VALUE_MAX))
    is_secret = fields.Boolean()
    description = fields.String()


class VariableSchema(Schema):
    workspace_id = fields.String()
    path = fields.String()
    value = fields.Function(lambda variable: getattr(variable, "shown_value", None), allow_none=True,
                            metadata={"description": "a secret's value is null in lists, and for "
                                      "callers who may not read it (operators never may)"})
    is_secret = fields.Boolean()
    description = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_by = fields.String()
    updated_at = fields.DateTime()


class PathPrefixQuerySchema(Schema):
    path_prefix = fields.String(load_default="")


class ResourceTypeCreateSchema(Schema):
    name = fields.String(required=True, metadata={"example": "postgresql"})
    schema = fields.Dict(required=True, metadata={"description": "JSON Schema (Draft 2020-12) of the values"})
    description = fields.String(load_default="")


class ResourceTypeUpdateSchema(Schema):
    """Only the fields given change."""

    schema = fields.Dict()
    description = fields.String()


class ResourceTypeSchema(Schema):
    name = fields.String()
    schema = fields.Dict()
    description = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ResourceCreateSchema(Schema):
    path = fields.String(required=True, metadata={"example": "f/data/warehouse"})
    resource_type = fields.String(required=True, metadata={"example": "postgresql"})
    value = fields.Raw(required=True, metadata={"description": "JSON valid for the type; a string "
                                                "field may be `$var:<path>` instead"})
    description = fields.String(load_default="")


class ResourceUpdateSchema(Schema):
    """Only the fields given change; the result must fit its type."""

    resource_type = fields.String()
    value = fields.Raw()
    description = fields.String()


class ResourceSchema(Schema):
    workspace_id = fields.String()
    path = fields.String()
    resource_type = fields.String()
    value = fields.Raw()
    description = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_by = fields.String()
    updated_at = fields.DateTime()


class ResourceListQuerySchema(PathPrefixQuerySchema):
    resource_type = fields.String(load_default="")


class ResourceGetQuerySchema(Schema):
    resolve = fields.Boolean(load_default=False,
                             metadata={"description": "replace `$var:` references, with the caller's rights"})


class StateSetSchema(Schema):
    value = fields.Raw(required=True, allow_none=True, metadata={"description": "any JSON value"})


class StateSchema(Schema):
    key = fields.String()
    value = fields.Raw(allow_none=True)
    updated_at = fields.DateTime()


class ScheduleFieldsSchema(Schema):
    cron = fields.String(required=True, metadata={
        "description": "5 fields (minute hour day month weekday) or 6 with seconds first",
        "example": "30 2 * * *"})
    timezone = fields.String(load_default="UTC", metadata={"description": "IANA name", "example": "Europe/Paris"})
    script_path = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the script to run (or give flow_path)", "example": "u/admin/hello"})
    flow_path = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the flow to run (or give script_path)", "example": "u/admin/etl"})
    args = fields.Dict(load_default=dict, metadata={"description": "validated against the target's schema"})
    enabled = fields.Boolean(load_default=True)
    on_failure_path = fields.String(load_default=None, allow_none=True, metadata={
        "description": "a script run with {job_id, schedule, error} when a job of this schedule fails"})
    summary = fields.String(load_default="", validate=validate.Length(max=500))


class ScheduleCreateSchema(ScheduleFieldsSchema):
    path = fields.String(required=True, metadata={"example": "u/admin/nightly"})


class MissedSlotsSchema(Schema):
    first = fields.String()
    last = fields.String()
    count = fields.Integer()
    capped = fields.Boolean(metadata={"description": "at least `count`: too many to count"})
    detected_at = fields.String()


class ScheduleSchema(ScheduleCreateSchema):
    workspace_id = fields.String()
    target_kind = fields.Function(lambda schedule: schedule.target_kind.value,
                                  metadata={"enum": ["script", "flow"], "description": "what it runs"})
    description = fields.String(metadata={"description": "the cron in words"})
    next_fires = fields.List(fields.DateTime(), metadata={"description": "the next 5 slots (UTC)"})
    edited_by = fields.String(metadata={"description": "the owner: jobs run with this user's rights"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    last_slot = fields.DateTime(allow_none=True)
    last_job_id = fields.String(allow_none=True)
    last_status = fields.String(allow_none=True, metadata={"enum": STATUSES})
    last_error = fields.Dict(allow_none=True, metadata={"description": "why the last slot started no job"})
    missed_count = fields.Integer(metadata={"description": "slots that fired no job while beat was down"})
    missed = fields.List(fields.Nested(MissedSlotsSchema))


class ScheduleRunsQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class WebhookUpdateSchema(Schema):
    pass_headers = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list,
                               validate=validate.Length(max=50),
                               metadata={"description": "request headers passed as the `headers` argument"})
    pass_query = fields.Boolean(load_default=False,
                                metadata={"description": "pass the query string as the `query` argument"})


class WebhookSchema(WebhookUpdateSchema):
    target = fields.String(metadata={"example": "script/u/admin/hello"})
    signed = fields.Boolean(metadata={"description": "requests need X-Taskmill-Signature"})
    secret_created_at = fields.DateTime(allow_none=True)
    async_url = fields.String()
    sync_url = fields.String()


class WebhookSecretSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "the signing secret; shown only in this response"})


class FlowWriteSchema(Schema):
    """A flow definition, as fields or as YAML/JSON text in `source` (then problems come
    with their line and column). The definition is validated by flows.schema."""

    class Meta:
        unknown = INCLUDE

    source = fields.String(load_default=None, metadata={"description": "the definition as YAML or JSON text"})
    summary = fields.Raw(metadata={"description": "one line"})
    description = fields.Raw()
    schema = fields.Raw(metadata={"description": "JSON Schema of the flow's inputs"})
    modules = fields.Raw(metadata={"description": "the ordered modules (see the flow format)"})
    failure_module = fields.Raw(metadata={"description": "runs with {error, failed_step} when a step fails"})
    tag = fields.Raw(metadata={"description": "worker group of the flow's control tasks"})


class FlowCreateSchema(FlowWriteSchema):
    path = fields.String(required=True, metadata={"example": "u/admin/etl"})


class FlowUpdateSchema(FlowWriteSchema):
    parent_hash = fields.String(load_default=None, allow_none=True,
                                metadata={"description": "refuse the save if the latest version differs"})


def _flow_code(name: str, default=None):  # noqa: ANN001, ANN202
    return lambda flow: flow.value.get(name, default) if getattr(flow, "code_visible", False) else None


class FlowSchema(Schema):
    workspace_id = fields.String()
    path = fields.String()
    hash = fields.String()
    parent_hash = fields.String(allow_none=True)
    summary = fields.String()
    description = fields.String()
    schema = fields.Dict()
    modules = fields.Function(_flow_code("modules"), metadata={"description": "null when the caller may "
                                                                "run but not read the flow"})
    failure_module = fields.Function(_flow_code("failure_module"))
    tag = fields.Function(lambda flow: flow.value.get("tag", "default"))
    created_by = fields.String()
    created_at = fields.DateTime()
    archived = fields.Boolean()


class FlowValidatedSchema(Schema):
    definition = fields.Dict(metadata={"description": "the normalized definition"})


class FlowStepSchema(Schema):
    id = fields.String()
    parent_job_id = fields.String(allow_none=True)
    step_id = fields.String(allow_none=True)
    kind = fields.Function(lambda step: step["kind"].value)
    language = fields.String()
    status = fields.Function(lambda step: step["status"].value, metadata={"enum": STATUSES})
    attempt = fields.Integer()
    script_path = fields.String()
    flow_state = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True)
    result = fields.Raw(allow_none=True)
    result_inline = fields.Boolean(metadata={"description": "false when the result is too large to list; "
                                             "GET /jobs/<id> has it"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)


class ApprovalSchema(Schema):
    id = fields.String()
    flow_job_id = fields.String()
    step_id = fields.String()
    step_job_id = fields.String()
    status = fields.String(metadata={"enum": ["waiting", "resumed", "canceled", "expired"]})
    required_events = fields.Integer()
    events = fields.List(fields.Dict())
    form_schema = fields.Dict(allow_none=True)
    user_auth_required = fields.Boolean()
    deadline = fields.DateTime()
    resolved_by = fields.String(allow_none=True)
    resume_url = fields.String(metadata={"description": "signed; POST a JSON payload to resume"})
    cancel_url = fields.String(metadata={"description": "signed; POST to cancel the flow"})
    approval_page = fields.String(metadata={"description": "signed page for people"})


class ApprovalPayloadSchema(Schema):
    """Any JSON object; validated against the step's resume form schema when it has one."""

    class Meta:
        unknown = INCLUDE
