"""Who may do what: the one place Taskmill decides access.

Items live at paths. `u/<user>/...` belongs to that user; `f/<folder>/...` to a folder
whose grants (its ACL) give users or groups `read`, `write` or `admin`; any item may also
be shared with a user or group. Workspace admins may do everything. Operators never write
and never see code. A token may narrow (never widen) what its user may do.

Callers that may not even read a thing get NotFound, so its existence does not leak;
callers that may read it but not do the action get Forbidden.
"""
from __future__ import annotations

from enum import Enum

from app.authz.actor import Actor
from app.errors import Forbidden, NotFound, ValidationFailed
from app.models import Job, Level, Role, TargetKind, TokenScope

NO_ACCESS = 0


class Action(str, Enum):
    READ = "read"  # see an item's metadata and argument schema
    READ_CODE = "read_code"  # see its source
    RUN = "run"
    WRITE = "write"  # save a version, archive
    SHARE = "share"  # change who else may use it


ACTION_LEVEL = {Action.READ: Level.READ, Action.READ_CODE: Level.READ, Action.RUN: Level.READ,
                Action.WRITE: Level.WRITE, Action.SHARE: Level.ADMIN}
OPERATOR_DENIED = frozenset({Action.READ_CODE, Action.WRITE, Action.SHARE})
READ_ONLY_ALLOWED = frozenset({Action.READ, Action.READ_CODE})


def _owner(path: str) -> tuple[str, str]:
    kind, owner, _rest = (path.split("/", 2) + ["", ""])[:3]
    return kind, owner


def folder_rank(actor: Actor, folder: str) -> int:
    """The actor's level on a folder, as a rank (0 = none)."""
    if actor.is_admin:
        return Level.ADMIN.rank
    return max((g.level.rank for g in actor.grants_on(TargetKind.FOLDER, folder)), default=NO_ACCESS)


def item_rank(actor: Actor, kind: TargetKind, path: str) -> int:
    """The actor's level on the item at `path`: ownership, folder ACL and shares combined."""
    if actor.is_admin:
        return Level.ADMIN.rank
    owner_kind, owner = _owner(path)
    rank = NO_ACCESS
    if owner_kind == "u" and owner == actor.user.username:
        rank = Level.ADMIN.rank
    elif owner_kind == "f":
        rank = folder_rank(actor, owner)
    shared = (g.level.rank for g in actor.grants_on(kind, path))
    return max(rank, *shared, NO_ACCESS)


def _token_allows(actor: Actor, action: Action, kind: TargetKind, path: str) -> bool:
    token = actor.token
    if token is None or token.scope in (TokenScope.ALL, TokenScope.JOB):
        return True
    if token.scope == TokenScope.READ_ONLY:
        return action in READ_ONLY_ALLOWED
    return action in (Action.RUN, Action.READ) and token.run_target == f"{kind.value}/{path}"


def can(actor: Actor, action: Action, kind: TargetKind, path: str) -> bool:
    if actor.role == Role.OPERATOR and action in OPERATOR_DENIED:
        return False
    allowed = item_rank(actor, kind, path) >= ACTION_LEVEL[action].rank
    return allowed and _token_allows(actor, action, kind, path)


def require(actor: Actor, action: Action, kind: TargetKind, path: str) -> None:
    """Raise NotFound if the actor may not even read the item, Forbidden if not `action`."""
    if not can(actor, Action.READ, kind, path) and not can(actor, action, kind, path):
        raise NotFound(f"{kind.value} {path!r} not found", {"path": path})
    if not can(actor, action, kind, path):
        raise Forbidden(f"you may not {action.value.replace('_', ' ')} {kind.value} {path!r}",
                        {"path": path, "action": action.value})


def creatable_rank(actor: Actor, path: str) -> int:
    """The level on the place a new item at `path` would go (own space, or its folder)."""
    owner_kind, owner = _owner(path)
    if actor.is_admin:
        return Level.ADMIN.rank
    if owner_kind == "u":
        return Level.ADMIN.rank if owner == actor.user.username else NO_ACCESS
    return folder_rank(actor, owner)


def require_create(actor: Actor, kind: TargetKind, path: str) -> None:
    """May the actor create a new item at `path`?"""
    allowed = actor.role != Role.OPERATOR and creatable_rank(actor, path) >= Level.WRITE.rank
    if not allowed or not _token_allows(actor, Action.WRITE, kind, path):
        raise Forbidden(f"you may not create {kind.value}s at {path!r}",
                        {"path": path, "action": "create"})


def require_admin(actor: Actor) -> None:
    """Workspace administration: members, invitations, groups, folders."""
    if not actor.is_admin or not _token_allows(actor, Action.SHARE, TargetKind.FOLDER, ""):
        raise Forbidden("only workspace admins may do this", {"role": actor.role.value})


def require_folder_admin(actor: Actor, folder: str) -> None:
    if folder_rank(actor, folder) == NO_ACCESS and not actor.is_admin:
        raise NotFound(f"folder {folder!r} not found", {"folder": folder})
    if folder_rank(actor, folder) < Level.ADMIN.rank or not _token_allows(
            actor, Action.SHARE, TargetKind.FOLDER, folder):
        raise Forbidden(f"you may not manage folder {folder!r}", {"folder": folder})


def can_see_job(actor: Actor, job: Job) -> bool:
    """Its own runs, or runs of items whose code the actor may read; a run token only its own."""
    token = actor.token
    if token is not None and token.scope == TokenScope.RUN:
        return job.token_id == token.id
    own = job.run_as_user_id == actor.user.id
    return own or can(actor, Action.READ_CODE, job_target_kind(job), job.script_path)


def job_target_kind(job: Job) -> TargetKind:
    """What a job's path names: a flow for flow runs, else a script."""
    return TargetKind.FLOW if getattr(job.kind, "value", job.kind) == "flow" else TargetKind.SCRIPT


def require_job(actor: Actor, job: Job, *, cancel: bool = False) -> None:
    if not can_see_job(actor, job):
        raise NotFound(f"job {job.id!r} not found", {"id": job.id})
    if cancel:
        own = job.run_as_user_id == actor.user.id
        if not (own or can(actor, Action.WRITE, job_target_kind(job), job.script_path)) or (
                actor.token is not None and actor.token.scope == TokenScope.READ_ONLY):
            raise Forbidden("you may not cancel this job", {"id": job.id})


def require_run_target(actor: Actor, run_target: str | None) -> None:
    """A run token's target must be something the actor may run (`script/<path>`)."""
    kind, _, path = (run_target or "").partition("/")
    if kind not in {k.value for k in TargetKind if k != TargetKind.FOLDER} or not path:
        raise ValidationFailed("run_target must look like script/<path>",
                               [{"field": "run_target", "message": "expected script/<path>"}])
    require(actor, Action.RUN, TargetKind(kind), path)
