"""A small workspace with one user per role, used by the permission matrix."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.authz import load_actor
from app.models import Grant, Level, PrincipalKind, Role, TargetKind
from app.services import jobs, scripts
from app.services.scripts import ScriptDraft

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
    world.ids["users"] = {role: user.username for role, user in users.items()}
    return world
