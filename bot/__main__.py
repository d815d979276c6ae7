"""``python -m bot``: read settings, migrate the database, build the app, serve."""

from __future__ import annotations

import logging
import sys


def main() -> int:
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"salespath: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from slack_bolt.error import BoltError

    from bot.app import create_app
    from bot.server import run
    from bot.services import Services
    from storage.migrate import upgrade

    try:
        upgrade(settings.database_url)
    except Exception as exc:
        print(f"salespath: DATABASE_URL: cannot migrate the database: {exc}", file=sys.stderr)
        return 2
    services = Services.from_settings(settings)
    try:
        app = create_app(settings, services=services)
    except BoltError as exc:
        print(
            f"salespath: cannot start the Slack app: {exc} (check SLACK_BOT_TOKEN and "
            f"SLACK_API_URL)",
            file=sys.stderr,
        )
        return 2
    run(app, services)
    return 0


if __name__ == "__main__":
    sys.exit(main())
