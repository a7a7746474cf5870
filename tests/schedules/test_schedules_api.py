"""The schedules API: validated saves, next fire times, RedBeat mirroring, runs."""
from datetime import datetime

import pytest

from app.models import Role
from tests.schedules.conftest import TARGET, create, schedule_body

URL = "/api/w/main/schedules"


def test_a_created_schedule_lists_its_next_five_fires_and_its_cron_in_words(client, auth, target):
    created = create(client, auth)
    assert created.status_code == 201, created.json
    body = client.get(URL, headers=auth).json[0]
    assert body["path"] == "u/alice/nightly" and body["edited_by"] == "alice"
    assert body["description"] == "At 02:30 (Europe/Paris)"
    fires = [datetime.fromisoformat(f) for f in body["next_fires"]]
    assert len(fires) == 5 and fires == sorted(fires)
    assert {f.minute for f in fires} == {30}


@pytest.mark.parametrize("fields,expected", [
    ({"cron": "61 * * * *"}, {"cron"}),
    ({"cron": "* * *"}, {"cron"}),
    ({"timezone": "Mars/Olympus"}, {"timezone"}),
    ({"script_path": "u/alice/missing"}, {"script_path"}),
    ({"args": {"n": "two", "extra": 1}}, {"args/n", "args/extra"}),
    ({"on_failure_path": "u/alice/missing"}, {"on_failure_path"}),
    ({"cron": "bad", "timezone": "Nowhere", "script_path": "u/alice/missing"},
     {"cron", "timezone", "script_path"}),
])
def test_invalid_fields_are_a_400_naming_each_of_them(client, auth, target, fields, expected):
    response = create(client, auth, **fields)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_error"
    assert {d["field"] for d in response.json["error"]["details"]} == expected


def test_an_on_failure_script_must_accept_the_failure_arguments(client, auth, factory, target):
    factory.script("u/alice/alert", "def main(text: str):\n    return text\n")
    response = create(client, auth, on_failure_path="u/alice/alert")
    assert [d["field"] for d in response.json["error"]["details"]] == ["on_failure_path"]
    factory.script("u/alice/alert2", "def main(job_id: str, schedule: str, error: dict):\n    return 1\n")
    assert create(client, auth, on_failure_path="u/alice/alert2").status_code == 201


def test_a_script_the_owner_may_not_run_is_refused_like_a_missing_one(client, auth, factory, target):
    factory.user("bob")
    factory.script("u/bob/private", "def main():\n    return 1\n", author="bob")
    response = create(client, auth, script_path="u/bob/private")
    assert [d["field"] for d in response.json["error"]["details"]] == ["script_path"]


def test_paths_follow_the_item_rules(client, auth, factory, target):
    assert create(client, auth, path="nightly").status_code == 400
    assert create(client, auth, path="u/bob/nightly").status_code == 403
    assert create(client, auth).status_code == 201
    assert create(client, auth).status_code == 409


def test_another_developer_does_not_see_a_private_schedule(client, auth, factory, target):
    create(client, auth)
    bob = {"Authorization": f"Bearer {factory.token(factory.user('bob'))}"}
    assert client.get(URL, headers=bob).json == []
    assert client.get(f"{URL}/p/u/alice/nightly", headers=bob).status_code == 404


def test_an_operator_reads_a_shared_folder_schedule_but_cannot_change_it(client, auth, factory, target):
    admin = {"Authorization": f"Bearer {factory.token(factory.user('root', role=Role.ADMIN))}"}
    operator = {"Authorization": f"Bearer {factory.token(factory.user('olga', role=Role.OPERATOR))}"}
    factory.script("f/ops/job", "def main():\n    return 1\n", author="root")
    assert create(client, admin, path="f/ops/nightly", script_path="f/ops/job", args={}).status_code == 201
    granted = client.put("/api/w/main/folders/ops/acl", headers=admin,
                         json={"principal": {"user": "olga"}, "level": "read"})
    assert granted.status_code in (200, 201), granted.json
    assert client.get(f"{URL}/p/f/ops/nightly", headers=operator).status_code == 200
    assert client.post(f"{URL}/p/f/ops/nightly/disable", headers=operator).status_code == 403
    assert client.get(f"{URL}/p/f/ops/nightly", headers=auth).status_code == 404


def test_update_replaces_fields_and_makes_the_editor_the_owner(client, auth, factory, target):
    create(client, auth)
    admin = {"Authorization": f"Bearer {factory.token(factory.user('root', role=Role.ADMIN))}"}
    updated = client.post(f"{URL}/p/u/alice/nightly", headers=admin,
                          json={k: v for k, v in schedule_body(cron="0 7 * * 1-5").items() if k != "path"})
    assert updated.status_code == 200, updated.json
    assert updated.json["cron"] == "0 7 * * 1-5" and updated.json["edited_by"] == "root"


def test_enable_and_disable_remove_and_restore_the_redbeat_entry(client, auth, target, mirror):
    create(client, auth)
    schedule_id = _id(mirror)
    assert mirror.entry(schedule_id) is not None
    disabled = client.post(f"{URL}/p/u/alice/nightly/disable", headers=auth)
    assert disabled.json["enabled"] is False and disabled.json["next_fires"] == []
    assert mirror.entry(schedule_id) is None
    client.post(f"{URL}/p/u/alice/nightly/enable", headers=auth)
    entry = mirror.entry(schedule_id)
    assert entry.schedule.spec.expr == "30 2 * * *" and entry.schedule.spec.timezone == "Europe/Paris"
    assert entry.args == [schedule_id]


def test_a_schedule_created_disabled_has_no_entry_until_enabled(client, auth, target, mirror):
    create(client, auth, enabled=False)
    assert mirror.last_runs() == {}


def test_delete_removes_the_row_and_the_entry(client, auth, target, mirror):
    create(client, auth)
    schedule_id = _id(mirror)
    assert client.delete(f"{URL}/p/u/alice/nightly", headers=auth).status_code == 204
    assert mirror.entry(schedule_id) is None
    assert client.get(f"{URL}/p/u/alice/nightly", headers=auth).status_code == 404


def test_run_now_starts_a_job_listed_among_the_schedules_runs(client, auth, target):
    create(client, auth)
    started = client.post(f"{URL}/p/u/alice/nightly/run_now", headers=auth)
    assert started.status_code == 201
    runs = client.get(f"{URL}/p/u/alice/nightly/runs", headers=auth).json
    assert [r["id"] for r in runs] == [started.json["id"]]
    assert runs[0]["trigger_kind"] == "schedule" and runs[0]["trigger_label"] == "u/alice/nightly"
    assert runs[0]["args"] == {"n": 2} and runs[0]["script_path"] == TARGET


def _id(mirror) -> int | None:
    ids = list(mirror.last_runs())
    return ids[0] if ids else None
