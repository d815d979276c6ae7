"""``python -m bot``: read settings, migrate the database, build the app, serve."""

from __future__ import annotations

import logging
import os
import sys
from http.client import InvalidURL

from slack_bolt.error import BoltError

from bot import playground
from bot.app import create_app
from bot.server import run
from bot.services import Services
from bot.settings import HINTS, SettingsError, load_settings
from storage.migrate import upgrade


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if playground.wanted(argv, os.environ):
        return playground.main(argv)
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
    run(app, services)
    return 0


def first_line(exc: BaseException) -> str:
    """The gist of an error: the driver's own message when there is one, one line."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


if __name__ == "__main__":
    sys.exit(main())
