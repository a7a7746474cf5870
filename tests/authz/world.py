"""A small workspace with one user per role, used by the permission matrix."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.authz import load_actor
from app.crypto import secret_box
from app.models import Grant, Level, PrincipalKind, Role, Schedule, TargetKind
from app.services import flows, groups, invitations, jobs, resource_types, resources, scripts, state, variables
from app.services.resource_types import TypeDraft
from app.services.resources import ResourceDraft
from app.services.scripts import ScriptDraft
from app.services.variables import VariableDraft

ROLES = ("admin", "developer", "operator", "outsider")
UNSERVED = "unserved"
"""The world's scripts route to a queue no worker serves, so their jobs stay queued."""


@dataclass
class World:
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)


def _grant(session, target_kind: TargetKind, target: str, user_id: int, level: Level) -> None:
    session.add(Grant(workspace_id="main", target_kind=target_kind, target=target,
                      principal_kind=PrincipalKind.USER, principal_id=user_id, level=level))


def _data_items(session, root, box) -> None:
    """Variables f/ops/var and u/root/secret, resource types pg (used) and unused, resources
    f/ops/db and u/root/db, and the state of f/ops/job."""
    variables.create(session, root, box, "f/ops/var", VariableDraft(value="v"))
    variables.create(session, root, box, "u/root/secret", VariableDraft(value="s", is_secret=True))
    for name in ("pg", "unused"):
        resource_types.create(session, root, name, TypeDraft(schema={"type": "object"}))
    for path in ("f/ops/db", "u/root/db"):
        resources.create(session, root, path, ResourceDraft(resource_type="pg", value={}))
    state.put(session, root, "script/f/ops/job", {"cursor": 1})


def _schedules(session, owner_id: int) -> None:
    """Schedules f/ops/nightly and u/root/nightly, both running f/ops/job (rows only: the
    routes under test write their RedBeat entries themselves)."""
    for path in ("f/ops/nightly", "u/root/nightly"):
        session.add(Schedule(workspace_id="main", path=path, cron="0 3 * * *", timezone="UTC",
                             target_path="f/ops/job", args={}, owner_id=owner_id, edited_by="root"))


def build(factory) -> World:
    """main: root (admin), dev (developer, write on folder ops), op (operator, the ops script
    shared read); eve belongs only to workspace other. Scripts f/ops/job and u/root/private,
    and one queued job of each, started by dev and by root."""
    factory.workspace("main")
    factory.workspace("other")
    users = {"admin": factory.user("root", role=Role.ADMIN), "developer": factory.user("dev"),
             "operator": factory.user("op", role=Role.OPERATOR),
             "outsider": factory.user("eve", ws_id="other")}
    world = World(headers={role: {"Authorization": f"Bearer {factory.token(user)}"}
                           for role, user in users.items()})
    with factory.db.session() as session:
        root = load_actor(session, "main", users["admin"])
        ops = scripts.create(session, root, "f/ops/job", ScriptDraft(
            language="python", content="def main(n: int = 1):\n    return n\n", tag=UNSERVED))
        private = scripts.create(session, root, "u/root/private", ScriptDraft(
            language="bash", content="echo hi\n", tag=UNSERVED))
        _grant(session, TargetKind.FOLDER, "ops", users["developer"].id, Level.WRITE)
        _grant(session, TargetKind.SCRIPT, "f/ops/job", users["operator"].id, Level.READ)
        session.flush()
        dev = load_actor(session, "main", users["developer"])
        world.ids.update(
            ops_hash=ops.hash, private_hash=private.hash,
            dev_job=jobs.create_job(session, ops, {}, jobs.Trigger("api", dev)).id,
            root_job=jobs.create_job(session, private, {}, jobs.Trigger("api", root)).id)
        flow = {"summary": "noop", "modules": [{"id": "a", "value": {"type": "identity"}}]}
        ops_flow = flows.create(session, root, "f/ops/flow", flows.parse(data=flow))
        flows.create(session, root, "u/root/privflow", flows.parse(data=flow))
        world.ids["flow_hash"] = ops_flow.hash
        groups.create(session, root, "team")
        groups.add_member(session, root, "team", "dev")
        invitation, secret = invitations.create(session, root, Role.OPERATOR)
        world.ids.update(invitation_id=invitation.id, invitation_secret=secret)
        _data_items(session, root, secret_box(factory.settings))
        _schedules(session, users["admin"].id)
    world.ids["users"] = {role: user.username for role, user in users.items()}
    return world
