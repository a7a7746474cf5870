"""Dashboard pages for workspace administration, through Flask's test client."""
from __future__ import annotations

import re

import pytest

from app.models import Role
from app.services import members
from tests.admin.conftest import PYTHON_HELLO
from tests.browsers import csrf_token, log_in

LINK_RE = re.compile(r'value="(http://localhost/invite/[^"]+)"')


@pytest.fixture()
def people(factory):
    factory.workspace("main")
    return {"root": factory.user("root", role=Role.ADMIN), "alice": factory.user("alice"),
            "olga": factory.user("olga", role=Role.OPERATOR)}


def logged_in_as(app, username: str):
    client = app.test_client()
    assert log_in(client, username).status_code == 302
    return client


def post_form(client, url: str, page: str, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_admin_sees_admin_links_and_forms(app, people):
    root = logged_in_as(app, "root")
    page = text(root.get("/w/main/members"))
    assert 'href="/w/main/invitations"' in page and 'name="role"' in page and "Remove" in page
    assert root.get("/w/main/invitations").status_code == 200
    assert 'id="create-group"' in text(root.get("/w/main/groups"))
    assert 'id="create-folder"' in text(root.get("/w/main/folders"))


def test_developer_sees_the_workspace_section_read_only(app, people):
    alice = logged_in_as(app, "alice")
    page = text(alice.get("/w/main/members"))
    assert ">Members</a>" in page and 'href="/w/main/invitations"' not in page
    assert 'name="role"' not in page and "root@example.com" in page
    assert 'id="create-group"' not in text(alice.get("/w/main/groups"))
    assert alice.get("/w/main/invitations").status_code == 403


@pytest.mark.parametrize("url, data", [
    ("/w/main/members/olga/role", {"role": "admin"}),
    ("/w/main/members/olga/remove", {}),
    ("/w/main/invitations", {"role": "admin", "expires_in_days": "7"}),
    ("/w/main/groups", {"name": "mine"}),
    ("/w/main/folders", {"name": "mine"}),
])
def test_developer_gets_403_on_admin_posts(app, people, url, data):
    alice = logged_in_as(app, "alice")
    response = post_form(alice, url, "/w/main/members", **data)
    assert response.status_code == 403


def test_admin_changes_a_role_from_the_members_page(app, people):
    root = logged_in_as(app, "root")
    response = post_form(root, "/w/main/members/olga/role", "/w/main/members", role="developer")
    assert response.status_code == 302
    page = text(root.get("/w/main/members"))
    assert "olga is now developer." in page


def test_demoting_the_last_admin_is_refused_with_a_message(app, people):
    root = logged_in_as(app, "root")
    post_form(root, "/w/main/members/root/role", "/w/main/members", role="operator")
    page = text(root.get("/w/main/members"))
    assert "cannot demote the last admin" in page
    assert root.get("/w/main/invitations").status_code == 200


def create_invitation_link(app, role: str = "operator") -> str:
    root = logged_in_as(app, "root")
    response = post_form(root, "/w/main/invitations", "/w/main/invitations", role=role, expires_in_days="7")
    assert response.status_code == 201
    match = LINK_RE.search(text(response))
    assert match, "the new link is shown once"
    assert match.group(1) not in text(root.get("/w/main/invitations"))
    return match.group(1).removeprefix("http://localhost")


def roles_in_main(factory) -> dict[str, Role]:
    with factory.db.session() as session:
        return {m.username: m.role for m in members.list_members(session, factory.actor(session, "root"))}


def test_invite_sign_up_creates_the_account_and_joins(app, client, factory, people):
    link = create_invitation_link(app, role="operator")
    page = text(client.get(link))
    assert "Main" in page and "operator" in page and 'id="signup-form"' in page
    token = csrf_token(client, link)
    response = client.post(link, data={"username": "nina", "email": "nina@example.com",
                                       "password": "long enough pw", "password2": "long enough pw",
                                       "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/w/main/scripts"
    assert "Welcome, nina!" in text(client.get("/w/main/scripts"))
    assert roles_in_main(factory)["nina"] == Role.OPERATOR
    again = client.get(link)
    assert again.status_code == 404 and "already used" in text(again)


@pytest.mark.parametrize("fields, message", [
    ({"username": "Nina!", "email": "nina@example.com", "password": "long enough pw"}, "username"),
    ({"username": "nina", "email": "not-an-email", "password": "long enough pw"}, "email"),
    ({"username": "nina", "email": "nina@example.com", "password": "short"}, "at least 10"),
    ({"username": "root", "email": "nina@example.com", "password": "long enough pw"}, "already taken"),
])
def test_invite_sign_up_explains_bad_input(app, client, people, fields, message):
    link = create_invitation_link(app)
    response = client.post(link, data={**fields, "password2": fields["password"],
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code in (400, 409)
    assert message in text(response) and 'id="signup-form"' in text(response)
    assert client.get("/w/main/scripts").status_code == 302  # still logged out


def test_invite_sign_up_needs_matching_passwords(app, client, people):
    link = create_invitation_link(app)
    response = client.post(link, data={"username": "nina", "email": "nina@example.com",
                                       "password": "long enough pw", "password2": "long enough px",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 400 and "The two passwords differ." in text(response)


def test_logged_in_user_accepts_with_one_click(app, factory, people):
    link = create_invitation_link(app, role="developer")
    factory.user("nina", ws_id=None)
    nina = logged_in_as(app, "nina")
    assert 'id="accept-invite"' in text(nina.get(link))
    response = nina.post(link, data={"csrf_token": csrf_token(nina, link)})
    assert response.status_code == 302 and response.headers["Location"] == "/w/main/scripts"
    assert nina.get("/w/main/members").status_code == 200


def test_a_member_opening_a_link_is_told_so(app, people):
    link = create_invitation_link(app)
    alice = logged_in_as(app, "alice")
    page = text(alice.get(link))
    assert "already a member" in page and 'id="accept-invite"' not in page


def test_dead_link_shows_why_without_logging_in(client, people):
    response = client.get("/invite/nope")
    assert response.status_code == 404 and "not valid" in text(response)


def test_folder_acl_editor_adds_and_removes_access(app, people):
    root = logged_in_as(app, "root")
    post_form(root, "/w/main/folders", "/w/main/folders", name="ops", summary="")
    post_form(root, "/w/main/folders/ops/acl", "/w/main/folders/ops", principal="user:alice", level="write")
    page = text(root.get("/w/main/folders/ops"))
    assert 'data-principal="user:alice"' in page and "Saved access." in page
    alice = logged_in_as(app, "alice")
    alice_page = text(alice.get("/w/main/folders/ops"))
    assert 'data-principal="user:alice"' in alice_page and "data-access-form" not in alice_page
    post_form(root, "/w/main/folders/ops/acl/remove", "/w/main/folders/ops", principal="user:alice")
    assert alice.get("/w/main/folders/ops").status_code == 404


def test_folder_acl_editor_reports_bad_principals(app, people):
    root = logged_in_as(app, "root")
    post_form(root, "/w/main/folders", "/w/main/folders", name="ops", summary="")
    post_form(root, "/w/main/folders/ops/acl", "/w/main/folders/ops", principal="group:ghosts", level="read")
    assert "no group &#39;ghosts&#39; in this workspace" in text(root.get("/w/main/folders/ops"))


def test_group_pages_create_and_fill_a_group(app, people):
    root = logged_in_as(app, "root")
    response = post_form(root, "/w/main/groups", "/w/main/groups", name="ops", summary="on call")
    assert response.headers["Location"] == "/w/main/groups/ops"
    post_form(root, "/w/main/groups/ops/members", "/w/main/groups/ops", username="olga")
    assert "olga" in text(root.get("/w/main/groups"))
    again = post_form(root, "/w/main/groups", "/w/main/groups", name="ops")
    assert again.headers["Location"] == "/w/main/groups"
    assert "group &#39;ops&#39; exists" in text(root.get("/w/main/groups"))


def test_script_access_panel_shares_with_an_operator(app, factory, people):
    factory.script("u/alice/hello", PYTHON_HELLO)
    alice = logged_in_as(app, "alice")
    page = text(alice.get("/w/main/scripts/get/u/alice/hello"))
    assert 'id="script-access"' in page and "data-access-form" in page
    post_form(alice, "/w/main/scripts/share/u/alice/hello", "/w/main/scripts/get/u/alice/hello",
              principal="user:olga", level="read")
    olga = logged_in_as(app, "olga")
    olga_page = text(olga.get("/w/main/scripts/get/u/alice/hello"))
    assert 'data-principal="user:olga"' in olga_page and "data-access-form" not in olga_page
    post_form(alice, "/w/main/scripts/unshare/u/alice/hello", "/w/main/scripts/get/u/alice/hello",
              principal="user:olga")
    assert olga.get("/w/main/scripts/get/u/alice/hello").status_code == 404
