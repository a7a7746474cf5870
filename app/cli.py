"""`taskmill` command: run the embedded stack, migrate, create users, sweep."""
from __future__ import annotations

import argparse
import logging
import sys

from config import load_settings

log = logging.getLogger("taskmill")


def _migrate(_args: argparse.Namespace) -> None:
    from app.migrate import upgrade
    settings = load_settings()
    upgrade(settings.resolved_database_url())
    print(f"database at head: {settings.resolved_database_url()}")


def _create_admin(args: argparse.Namespace) -> None:
    from app.db import Database
    from app.services import accounts
    settings = load_settings()
    with Database(settings.resolved_database_url()).session() as session:
        password = accounts.bootstrap(session, settings.default_workspace, args.username,
                                      args.email, args.password or settings.admin_password)
    print(f"admin {args.username!r} created, password: {password}" if password
          else "users exist already; nothing done")


def _rotate_keys(_args: argparse.Namespace) -> None:
    from app.crypto import secret_box
    from app.db import Database
    from app.services import variables, webhooks
    settings = load_settings()
    with Database(settings.resolved_database_url()).session() as session:
        count = variables.rotate_all(session, secret_box(settings))
        count += webhooks.rotate_all(session, secret_box(settings))
    print(f"re-encrypted {count} secret(s) with the first of TASKMILL_ENCRYPTION_KEYS; "
          "older keys may now be dropped")


def _run(args: argparse.Namespace) -> None:
    from app.launcher import EmbeddedLauncher
    EmbeddedLauncher(load_settings(), web_only=args.web_only).run()


def _usage(parser: argparse.ArgumentParser) -> None:
    parser.print_help()
    sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taskmill", description="Taskmill: scripts into jobs")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="start web, worker and beat (embedded defaults)")
    run.add_argument("--web-only", action="store_true", help="do not start a worker and beat")
    run.set_defaults(handler=_run)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)
    admin = commands.add_parser("create-admin", help="create the first admin if there is no user")
    admin.add_argument("--username", default="admin")
    admin.add_argument("--email", default="admin@localhost")
    admin.add_argument("--password", default="")
    admin.set_defaults(handler=_create_admin)
    commands.add_parser("rotate-keys", help="re-encrypt every secret with the newest encryption key"
                        ).set_defaults(handler=_rotate_keys)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        _usage(parser)
    args.handler(args)


if __name__ == "__main__":
    main()
