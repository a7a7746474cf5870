"""The audit log page shows the workspace's events to its admins, and to nobody else."""
from app.models import Role
from tests.browsers import log_in


def test_admins_see_the_audit_log_page(app, factory):
    factory.workspace("main")
    factory.user("root", role=Role.ADMIN)
    factory.user("alice")
    factory.script("u/alice/hello", "def main():\n    return 1\n")
    client = app.test_client()
    assert log_in(client, "root").status_code == 302
    page = client.get("/w/main/audit?action=script.").get_data(as_text=True)
    assert "script.save" in page and "u/alice/hello" in page


def test_developers_are_refused_the_audit_log_page(app, factory):
    factory.workspace("main")
    factory.user("alice")
    client = app.test_client()
    log_in(client, "alice")
    assert client.get("/w/main/audit").status_code == 403
