"""Schedules of flows: saved and validated like script schedules, fired as flow runs."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Job, JobKind, Role, Schedule, utcnow
from app.services.schedule_firing import fire
from tests.browsers import csrf_token, log_in
from tests.flows.helpers import expr, py, save_flow
from tests.schedules.conftest import create

URL = "/api/w/main/schedules"
FLOW = "u/alice/double"
DOUBLE = {"summary": "double n", "tag": "unserved",  # no worker starts these runs
          "schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
          "modules": [{"id": "double", "value": py("return n * 2", "n: int"),
                       "input_transforms": {"n": expr("flow_input.n")}}]}


@pytest.fixture()
def flow(client, auth) -> str:
    save_flow(client, auth, FLOW, DOUBLE)
    return FLOW


def create_flow_schedule(client, auth, **fields):
    return create(client, auth, **{"script_path": None, "flow_path": FLOW, "args": {"n": 21}, **fields})


def _jobs(db) -> list[Job]:
    with db.session() as session:
        return list(session.scalars(select(Job).order_by(Job.created_at)))


def test_a_schedule_can_target_a_flow(client, auth, flow):
    created = create_flow_schedule(client, auth)
    assert created.status_code == 201, created.json
    body = client.get(f"{URL}/p/u/alice/nightly", headers=auth).json
    assert (body["target_kind"], body["flow_path"], body["script_path"]) == ("flow", FLOW, None)
    assert len(body["next_fires"]) == 5


def test_a_script_schedule_says_so(client, auth, target):
    body = create(client, auth).json
    assert (body["target_kind"], body["script_path"], body["flow_path"]) == ("script", target, None)


@pytest.mark.parametrize("fields,expected", [
    ({"flow_path": "u/alice/missing"}, {"flow_path"}),
    ({"flow_path": "u/bob/theirs"}, {"flow_path"}),  # exists, but alice may not run it
    ({"args": {"n": "two"}}, {"args/n"}),
    ({"args": {}}, {"args/n"}),  # required
    ({"script_path": "u/alice/job"}, {"script_path", "flow_path"}),  # both targets
    ({"flow_path": None}, {"script_path", "flow_path"}),  # no target
])
def test_invalid_flow_schedules_are_a_400_naming_the_field(client, auth, factory, flow, target, fields,
                                                            expected):
    bob = factory.user("bob")
    save_flow(client, {"Authorization": f"Bearer {factory.token(bob)}"}, "u/bob/theirs", DOUBLE)
    response = create_flow_schedule(client, auth, **fields)
    assert response.status_code == 400, response.json
    assert {d["field"] for d in response.json["error"]["details"]} == expected


def test_a_schedule_can_switch_from_a_script_to_a_flow(client, auth, target, flow):
    assert create(client, auth).status_code == 201
    changed = client.post(f"{URL}/p/u/alice/nightly", headers=auth,
                          json={"cron": "0 * * * *", "flow_path": FLOW, "args": {"n": 1}})
    assert changed.status_code == 200, changed.json
    assert (changed.json["target_kind"], changed.json["flow_path"]) == ("flow", FLOW)


def test_a_slot_of_a_flow_schedule_starts_one_flow_run_as_the_owner(client, auth, flow, db, app):
    create_flow_schedule(client, auth)
    queue = app.extensions["taskmill"].queue
    with db.session() as session:
        schedule_id = session.scalars(select(Schedule.id)).one()
    slot = utcnow().replace(microsecond=0)
    job_id = fire(db, queue, schedule_id, slot)
    assert job_id is not None and fire(db, queue, schedule_id, slot) is None
    [job] = _jobs(db)
    assert (job.id, job.kind, job.script_path) == (job_id, JobKind.FLOW, FLOW)
    assert (job.trigger_kind, job.trigger_label, job.created_by, job.args) == (
        "schedule", "u/alice/nightly", "alice", {"n": 21})
    runs = client.get(f"{URL}/p/u/alice/nightly/runs", headers=auth).json
    assert [r["id"] for r in runs] == [job_id] and runs[0]["kind"] == "flow"


def test_a_flow_the_owner_can_no_longer_run_starts_nothing_and_says_why(client, auth, flow, db, app):
    create_flow_schedule(client, auth)
    assert client.post(f"/api/w/main/flows/archive/p/{FLOW}", headers=auth).status_code == 200
    with db.session() as session:
        schedule_id = session.scalars(select(Schedule.id)).one()
    assert fire(db, app.extensions["taskmill"].queue, schedule_id, utcnow()) is None
    with db.session() as session:
        assert session.get(Schedule, schedule_id).last_error["code"] == "not_found"
    assert _jobs(db) == []


def test_run_now_starts_the_flow_as_the_caller(client, auth, flow):
    create_flow_schedule(client, auth)
    started = client.post(f"{URL}/p/u/alice/nightly/run_now", headers=auth)
    assert started.status_code == 201, started.json
    job = client.get(f"/api/w/main/jobs/{started.json['id']}", headers=auth).json
    assert job["kind"] == "flow" and job["trigger_kind"] == "schedule"


def test_a_reader_of_a_schedule_cannot_run_a_flow_they_may_not_run(client, factory):
    factory.workspace("main")
    root = {"Authorization": f"Bearer {factory.token(factory.user('root', role=Role.ADMIN))}"}
    alice = {"Authorization": f"Bearer {factory.token(factory.user('alice'))}"}
    save_flow(client, root, "u/root/private", DOUBLE)
    assert client.post(URL, headers=root, json={"path": "u/root/nightly", "cron": "0 * * * *",
                                                "flow_path": "u/root/private", "args": {"n": 1}}).status_code == 201
    assert client.put("/api/w/main/shares/schedule/p/u/root/nightly", headers=root,
                      json={"principal": {"user": "alice"}, "level": "read"}).status_code == 200
    assert client.get(f"{URL}/p/u/root/nightly", headers=alice).status_code == 200
    assert client.post(f"{URL}/p/u/root/nightly/run_now", headers=alice).status_code == 404


def test_the_form_picks_a_flow_and_run_now_shows_the_flow_run(client, auth, flow):
    assert log_in(client, "alice").status_code == 302
    new = "/w/main/schedules/new"
    assert 'id="target_flow"' in client.get(f"{new}?flow={FLOW}").get_data(as_text=True)
    form = {"path": "u/alice/nightly", "summary": "", "cron": "30 2 * * *", "timezone": "UTC",
            "target_kind": "flow", "script_path": "ignored/by/the/picker", "flow_path": FLOW,
            "args": '{"n": 3}', "on_failure_path": "", "enabled": "on"}
    created = client.post(new, data={**form, "csrf_token": csrf_token(client, new)})
    assert created.status_code == 302, created.get_data(as_text=True)
    show = "/w/main/schedules/get/u/alice/nightly"
    page = client.get(show).get_data(as_text=True)
    assert "<dt>Flow</dt>" in page and f'href="/w/main/flows/get/{FLOW}"' in page
    ran = client.post("/w/main/schedules/run_now/u/alice/nightly", data={"csrf_token": csrf_token(client, show)})
    assert ran.status_code == 302 and "/w/main/flows/run/" in ran.location
    assert "flow " + f'<a class="mono" href="/w/main/flows/get/{FLOW}"' in client.get(
        "/w/main/schedules").get_data(as_text=True)


def test_the_form_names_a_missing_flow(client, auth, flow):
    assert log_in(client, "alice").status_code == 302
    new = "/w/main/schedules/new"
    form = {"path": "u/alice/nightly", "cron": "30 2 * * *", "timezone": "UTC", "target_kind": "flow",
            "script_path": "", "flow_path": "u/alice/nope", "args": "{}", "enabled": "on"}
    response = client.post(new, data={**form, "csrf_token": csrf_token(client, new)})
    assert response.status_code == 400 and 'data-error-for="flow_path"' in response.get_data(as_text=True)
