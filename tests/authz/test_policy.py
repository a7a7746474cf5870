"""The access rules as pure decisions on an Actor: ownership, folder ACLs, shares, roles, tokens."""
import pytest

from app.authz import Action, Actor, can, can_see_job, require
from app.errors import Forbidden, NotFound
from app.models import (ApiToken, Grant, Job, Level, PrincipalKind, Role, TargetKind, TokenScope,
                        User, Workspace)

WS = Workspace(id="main", name="Main")
SCRIPT = TargetKind.SCRIPT


def actor(role=Role.DEVELOPER, grants=(), token=None, username="alice", user_id=1):
    user = User(id=user_id, username=username, email=f"{username}@x", is_superadmin=False)
    return Actor(user=user, workspace=WS, role=role, grants=tuple(grants), token=token)


def grant(kind, target, level, principal=PrincipalKind.USER, principal_id=1):
    return Grant(workspace_id="main", target_kind=kind, target=target, principal_kind=principal,
                 principal_id=principal_id, level=level)


def test_a_user_owns_everything_under_their_own_path():
    alice = actor()
    assert all(can(alice, a, SCRIPT, "u/alice/x") for a in Action)
    assert not can(alice, Action.READ, SCRIPT, "u/bob/x")


def test_folder_levels_grant_read_run_write_and_share_in_order():
    for level, allowed in [(Level.READ, {Action.READ, Action.READ_CODE, Action.RUN}),
                           (Level.WRITE, {Action.READ, Action.READ_CODE, Action.RUN, Action.WRITE}),
                           (Level.ADMIN, set(Action))]:
        bob = actor(grants=[grant(TargetKind.FOLDER, "ops", level)])
        assert {a for a in Action if can(bob, a, SCRIPT, "f/ops/backup")} == allowed
        assert not can(bob, Action.READ, SCRIPT, "f/finance/pay")


def test_a_share_on_one_item_does_not_open_its_neighbours():
    bob = actor(grants=[grant(SCRIPT, "u/carol/report", Level.READ)])
    assert can(bob, Action.RUN, SCRIPT, "u/carol/report")
    assert not can(bob, Action.READ, SCRIPT, "u/carol/other")


def test_operators_run_what_is_shared_but_never_see_code_or_write():
    op = actor(role=Role.OPERATOR, grants=[grant(TargetKind.FOLDER, "ops", Level.ADMIN)])
    assert can(op, Action.RUN, SCRIPT, "f/ops/backup")
    assert not can(op, Action.READ_CODE, SCRIPT, "f/ops/backup")
    assert not can(op, Action.WRITE, SCRIPT, "f/ops/backup")
    assert not can(op, Action.READ_CODE, SCRIPT, "u/alice/mine")


def test_workspace_admins_may_do_everything():
    admin = actor(role=Role.ADMIN)
    assert all(can(admin, a, SCRIPT, "u/bob/x") for a in Action)


def test_unreadable_items_are_not_found_and_readable_ones_forbidden():
    bob = actor(grants=[grant(SCRIPT, "u/carol/report", Level.READ)])
    with pytest.raises(NotFound):
        require(bob, Action.WRITE, SCRIPT, "u/carol/secret")
    with pytest.raises(Forbidden):
        require(bob, Action.WRITE, SCRIPT, "u/carol/report")


def test_read_only_token_narrows_a_writer_to_reads():
    token = ApiToken(id=5, scope=TokenScope.READ_ONLY)
    alice = actor(token=token)
    assert can(alice, Action.READ_CODE, SCRIPT, "u/alice/x")
    assert not can(alice, Action.RUN, SCRIPT, "u/alice/x")
    assert not can(alice, Action.WRITE, SCRIPT, "u/alice/x")


def test_run_token_runs_its_one_target_and_sees_only_its_own_jobs():
    token = ApiToken(id=7, scope=TokenScope.RUN, run_target="script/u/alice/hook")
    alice = actor(token=token)
    assert can(alice, Action.RUN, SCRIPT, "u/alice/hook")
    assert not can(alice, Action.RUN, SCRIPT, "u/alice/other")
    assert not can(alice, Action.READ_CODE, SCRIPT, "u/alice/hook")
    own = Job(id="1", script_path="u/alice/hook", run_as_user_id=1, token_id=7)
    other = Job(id="2", script_path="u/alice/hook", run_as_user_id=1, token_id=None)
    assert can_see_job(alice, own) and not can_see_job(alice, other)


def test_a_token_never_widens_its_user():
    token = ApiToken(id=9, scope=TokenScope.ALL)
    op = actor(role=Role.OPERATOR, token=token)
    assert not can(op, Action.WRITE, SCRIPT, "u/alice/x")


def test_group_grants_apply_to_the_groups_members():
    bob = actor(grants=[grant(TargetKind.FOLDER, "ops", Level.WRITE, PrincipalKind.GROUP, 3)])
    assert can(bob, Action.WRITE, SCRIPT, "f/ops/deploy")


def test_jobs_are_visible_to_their_runner_and_to_readers_of_the_code():
    job = Job(id="j", script_path="u/carol/report", run_as_user_id=42)
    assert can_see_job(actor(user_id=42, username="dave"), job)
    assert not can_see_job(actor(), job)
    assert can_see_job(actor(grants=[grant(SCRIPT, "u/carol/report", Level.READ)]), job)
    assert not can_see_job(actor(role=Role.OPERATOR, grants=[grant(SCRIPT, "u/carol/report", Level.READ)]), job)
