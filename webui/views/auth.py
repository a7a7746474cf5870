"""Logging in and out, and finding the user's way into a workspace."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.extensions import runtime
from app.services import accounts, audit
from webui.blueprint import bp


def _safe_next(target: str | None) -> str | None:
    """`target` if it stays on this site (a relative path), so login cannot bounce elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form: username or email, and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("webui.index"))
    error, login_name = None, ""
    if request.method == "POST":
        login_name = request.form.get("login", "").strip()
        user = accounts.find_login(runtime().db.scoped, login_name, request.form.get("password", ""))
        if user is not None:
            login_user(user)
            audit.record(runtime().db.scoped, user.username, "user.login")
            runtime().db.scoped.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("webui.index"))
        audit.record(runtime().db.scoped, login_name[:64] or "?", "user.login_failed")
        runtime().db.scoped.commit()
        error = "Wrong username, email or password."
    return render_template("login.html", error=error, login_name=login_name)


@bp.post("/logout")
def logout():
    """End the session (a POST with the CSRF token, so another site cannot log you out)."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("webui.login"))


@bp.get("/")
def index():
    """Send the user to their first workspace's scripts."""
    workspaces = accounts.workspaces_of(runtime().db.scoped, current_user)
    if not workspaces:
        return render_template("no_workspace.html")
    return redirect(url_for("webui.scripts", ws=workspaces[0].id))


@bp.get("/w/<ws>/")
def workspace_home(ws: str):
    return redirect(url_for("webui.scripts", ws=ws))
