"""``python -m bot [all|web|worker]``: read settings, migrate the database, build the app,
serve.

Roles: ``all`` (the default: one process serves Slack's requests and runs the scheduled
jobs — what ``make run``, SQLite and the playground use); ``web`` serves requests only (in
HTTP mode on gunicorn with ``WORKERS`` processes); ``worker`` runs the scheduled jobs only
(digests, reminders, retries). Run one or more of each on one PostgreSQL database: every
post is claimed in the database, so it goes out once however many workers run.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from http.client import InvalidURL

from dotenv import dotenv_values
from slack_bolt.error import BoltError

from bot import playground
from bot.app import create_app
from bot.server import ROLES, run
from bot.services import Services
from bot.settings import HINTS, SettingsError, load_settings
from bot.usecases import dataexport
from storage.db import Database
from storage.migrate import upgrade

DEFAULT_DATABASE_URL = "sqlite:///salespath.db"


ERASE = "erase-user"


def erase_user(argv: list[str]) -> int:
    """``python -m bot erase-user T123 U123``: one person's erasure (docs/PRIVACY.md). Needs
    only ``DATABASE_URL`` (the environment or ``.env``), no Slack token."""
    parser = argparse.ArgumentParser(
        prog=f"python -m bot {ERASE}",
        description="Anonymise one Slack user in one workspace's data (UU PDP / GDPR erasure).",
    )
    parser.add_argument("team_id", help="the workspace, T…")
    parser.add_argument("user_id", help="the person, U… or W…")
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL")
    args = parser.parse_args(argv)
    url = (
        args.database_url
        or os.environ.get("DATABASE_URL")
        or dotenv_values(".env").get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )
    upgrade(url)
    db = Database(url)
    try:
        done = dataexport.erase_user(db, team_id=args.team_id, user_id=args.user_id)
    finally:
        db.dispose()
    rows = ", ".join(f"{name} {n}" for name, n in sorted(done.rows.items())) or "no rows"
    print(f"{args.user_id} in {args.team_id} is now {done.alias}: {rows}.")
    return 0


def parse_role(argv: list[str] | None) -> str:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Salespath: serve Slack and/or run the scheduled jobs."
    )
    parser.add_argument(
        "role",
        nargs="?",
        default="all",
        choices=ROLES,
        help="all (default): serve and run jobs; web: serve only; worker: jobs only",
    )
    return parser.parse_args(argv).role


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if playground.wanted(argv, os.environ):
        return playground.main(argv)
    if argv[:1] == [ERASE]:
        return erase_user(argv[1:])
    role = parse_role(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"salespath: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    quiet = max(logging.WARNING, logging.getLevelName(settings.log_level))
    logging.getLogger("alembic").setLevel(quiet)  # its INFO lines are start-up noise
    logging.getLogger("salespath").info(settings.mode_warning())  # issue 14: the setup trap
    try:
        upgrade(settings.database_url)
    except Exception as exc:
        print(
            f"salespath: DATABASE_URL: cannot open and migrate the database "
            f"({first_line(exc)}): {HINTS['database_url']}.",
            file=sys.stderr,
        )
        return 2
    services = Services.from_settings(settings)
    try:
        app = create_app(settings, services=services)
    except (BoltError, OSError, InvalidURL) as exc:  # auth.test failed, or Slack unreachable
        print(
            f"salespath: cannot reach Slack at SLACK_API_URL={settings.slack_api_url} or it "
            f"refused SLACK_BOT_TOKEN ({first_line(exc)}): check both.",
            file=sys.stderr,
        )
        return 2
    run(app, services, role=role)
    return 0


def first_line(exc: BaseException) -> str:
    """The gist of an error: the driver's own message when there is one, one line."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


if __name__ == "__main__":
    sys.exit(main())
